"""The treasurer role (group) and a payment rule for each service of the catalogue, from its fee mode."""
from django.db import migrations

DEFAULTS = {
    "free": dict(payee="free", start_rule="free"),
    "subsidised": dict(payee="levy", start_rule="full", subsidy_percent=50, quota_requests=4,
                       regulation="Perda Retribusi Daerah", billing_prefix="RET"),
    "cost_recovery": dict(payee="partner", start_rule="down_payment", down_payment_percent=50,
                          payee_name="Koperasi Mitra PLUT"),
}


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="treasurer")
    Service = apps.get_model("bookings", "Service")
    PaymentRule = apps.get_model("payments", "PaymentRule")
    for service in Service.objects.all():
        PaymentRule.objects.get_or_create(service=service, defaults=DEFAULTS[service.fee_mode])


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="treasurer").delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("accounts", "0003_roles_and_districts")]
    operations = [migrations.RunPython(forwards, backwards)]

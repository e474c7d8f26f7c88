"""Create the four role groups and the kabupaten/kota of Maluku (the first house's province)."""
from django.db import migrations

ROLES = ["owner", "staff", "admin", "manager"]

MALUKU = [
    "Kota Ambon", "Kota Tual", "Maluku Tengah", "Maluku Tenggara", "Kepulauan Tanimbar", "Kepulauan Aru",
    "Buru", "Buru Selatan", "Seram Bagian Barat", "Seram Bagian Timur", "Maluku Barat Daya",
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    District = apps.get_model("accounts", "District")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for order, name in enumerate(MALUKU, start=1):
        District.objects.get_or_create(province="Maluku", name=name, defaults={"sort_order": order})


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, backwards)]

"""Kemendagri codes of Maluku's kabupaten/kota; one WhatsApp number per existing owner; search indexes.

The owners' numbers: where several owners share a number, the oldest account keeps it (the others
stay as they are and can be merged by an admin). On PostgreSQL, trigram indexes make the counter's
as-you-type search (``icontains`` is ``UPPER(col) LIKE UPPER('%…%')``) use an index.
"""
from django.db import migrations

# Permendagri 72/2019 (kode wilayah), province 81 = Maluku.
MALUKU_CODES = {
    "Kepulauan Tanimbar": "81.01", "Maluku Tenggara": "81.02", "Maluku Tengah": "81.03", "Buru": "81.04",
    "Kepulauan Aru": "81.05", "Seram Bagian Barat": "81.06", "Seram Bagian Timur": "81.07",
    "Maluku Barat Daya": "81.08", "Buru Selatan": "81.09", "Kota Ambon": "81.71", "Kota Tual": "81.72",
}

TRIGRAM_INDEXES = [
    ("accounts_user_name_trgm", "accounts_user", "name"),
    ("accounts_business_name_trgm", "accounts_business", "name"),
    ("accounts_business_owner_name_trgm", "accounts_business", "owner_name"),
    ("accounts_ownerphone_phone_trgm", "accounts_ownerphone", "phone"),
]


def forwards(apps, schema_editor):
    District = apps.get_model("accounts", "District")
    for name, code in MALUKU_CODES.items():
        District.objects.filter(province="Maluku", name=name).update(region_code=code)
    User = apps.get_model("accounts", "User")
    OwnerPhone = apps.get_model("accounts", "OwnerPhone")
    taken = set()
    rows = []
    for user_id, phone in User.objects.filter(groups__name="owner").exclude(phone="").order_by("date_joined", "pk").values_list("pk", "phone"):
        if phone not in taken:
            taken.add(phone)
            rows.append(OwnerPhone(user_id=user_id, phone=phone))
    OwnerPhone.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # The rows above leave deferred foreign-key checks pending in this transaction, and PostgreSQL
            # refuses CREATE INDEX on a table with pending trigger events: run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for index, table, column in TRIGRAM_INDEXES:
                cursor.execute(f'CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (UPPER("{column}"::text) gin_trgm_ops)')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for index, _table, _column in TRIGRAM_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_intake_claims_codes")]
    operations = [migrations.RunPython(forwards, backwards)]

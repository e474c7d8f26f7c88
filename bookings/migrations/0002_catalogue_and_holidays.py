"""The default service catalogue and public holidays (admins edit both in the Django admin).

Holidays follow the joint ministerial decree (SKB) for 2026; check them against each year's SKB.
"""
import datetime

from django.db import migrations

FOOD = [["pirt", "md"], ["halal"]]

SERVICES = [
    dict(slug="konsultasi-kemasan", name="Konsultasi kemasan", unit="session", fee_mode="free", tariff=0,
         minimum_order=1, lead_time_days=2, daily_capacity=8, workflow="consultation", free_revision_rounds=0,
         required_documents=[],
         description="Konsultasi tatap muka dengan desainer PLUT: bahan kemasan, ukuran, informasi label wajib, dan perkiraan biaya."),
    dict(slug="desain-label-merek", name="Desain label/merek", unit="design", fee_mode="subsidised", tariff=150000,
         minimum_order=1, lead_time_days=5, daily_capacity=3, workflow="design_only", free_revision_rounds=2,
         required_documents=[["merek"]],
         description="Desain logo dan label produk siap cetak, dengan informasi label sesuai ketentuan BPOM."),
    dict(slug="desain-kemasan", name="Desain kemasan", unit="design", fee_mode="subsidised", tariff=250000,
         minimum_order=1, lead_time_days=7, daily_capacity=2, workflow="design_only", free_revision_rounds=2,
         required_documents=[],
         description="Desain kemasan lengkap (pouch, kotak, atau botol) beserta file siap cetak."),
    dict(slug="cetak-label-stiker", name="Cetak label/stiker", unit="piece", fee_mode="cost_recovery", tariff=500,
         minimum_order=100, lead_time_days=3, daily_capacity=2000, workflow="print_only", free_revision_rounds=0,
         required_documents=FOOD,
         description="Cetak stiker/label dari desain yang sudah disetujui, bahan vinyl atau kertas chromo."),
    dict(slug="kemasan-standing-pouch", name="Kemasan standing pouch", unit="piece", fee_mode="cost_recovery",
         tariff=2500, minimum_order=100, lead_time_days=10, daily_capacity=500, workflow="full",
         free_revision_rounds=2, required_documents=FOOD,
         description="Desain dan produksi standing pouch dengan zipper, dicetak dan di-sealing di Rumah Kemasan."),
    dict(slug="kemasan-kotak-karton", name="Kemasan kotak/karton", unit="piece", fee_mode="cost_recovery",
         tariff=4000, minimum_order=100, lead_time_days=10, daily_capacity=300, workflow="full",
         free_revision_rounds=2, required_documents=FOOD,
         description="Desain dan produksi kotak karton (duplex/ivory) dengan pola potong sesuai ukuran produk."),
    dict(slug="sablon", name="Sablon", unit="piece", fee_mode="cost_recovery", tariff=3000, minimum_order=50,
         lead_time_days=5, daily_capacity=200, workflow="print_only", free_revision_rounds=0, required_documents=[],
         description="Sablon logo pada tas, kaos, atau kemasan kain/kertas."),
]

HOLIDAYS_2026 = [
    ("2026-01-01", "Tahun Baru Masehi"), ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW"),
    ("2026-02-17", "Tahun Baru Imlek"), ("2026-03-19", "Hari Suci Nyepi"),
    ("2026-03-20", "Idul Fitri 1447 H"), ("2026-03-21", "Idul Fitri 1447 H"),
    ("2026-04-03", "Wafat Yesus Kristus"), ("2026-05-01", "Hari Buruh Internasional"),
    ("2026-05-14", "Kenaikan Yesus Kristus"), ("2026-05-27", "Idul Adha 1447 H"),
    ("2026-05-31", "Hari Raya Waisak"), ("2026-06-01", "Hari Lahir Pancasila"),
    ("2026-06-16", "Tahun Baru Islam 1448 H"), ("2026-08-17", "Hari Kemerdekaan RI"),
    ("2026-08-25", "Maulid Nabi Muhammad SAW"), ("2026-12-25", "Hari Raya Natal"),
    ("2027-01-01", "Tahun Baru Masehi"), ("2027-05-01", "Hari Buruh Internasional"),
    ("2027-06-01", "Hari Lahir Pancasila"), ("2027-08-17", "Hari Kemerdekaan RI"),
    ("2027-12-25", "Hari Raya Natal"),
]


def forwards(apps, schema_editor):
    Service = apps.get_model("bookings", "Service")
    Holiday = apps.get_model("bookings", "Holiday")
    for order, data in enumerate(SERVICES, start=1):
        Service.objects.get_or_create(slug=data["slug"], defaults={**data, "sort_order": order})
    for day, name in HOLIDAYS_2026:
        Holiday.objects.get_or_create(date=datetime.date.fromisoformat(day), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

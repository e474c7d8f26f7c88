"""The money and materials report on a data set whose answers are known by hand (both databases).

Q1 2026. Businesses: X (Kepulauan Aru, food, micro, female owner), Y (Kota Ambon, crafts, small, male owner).
- A: X, pouch, verified 6 Jan, completed; quotation Rp 500.000 (no subsidy). Ledger: cash 200.000 (10 Jan),
     transfer 300.000 (1 Feb), the cash reversed (2 Feb, −200.000) and paid again in cash 200.000 (2 Feb).
- B: Y, sablon, verified 10 Feb, in production; quotation 300.000 − subsidy 150.000 = 150.000 (an older,
     superseded version had another subsidy). Ledger: QRIS 100.000 (15 Feb).
- C: X, design, verified 5 Mar, cancelled; subsidy 125.000 (not counted). Ledger: 50.000 (6 Mar), refunded (7 Mar).
- D: Y, pouch, verified 1 Dec 2025, in production; 130.000 − 50.000 subsidy = 80.000; paid 10.000 (15 Dec 2025).
- E: X, design, verified 10 Mar, queued; 250.000 − 125.000 subsidy = 125.000, nothing paid.
Store: pouches (Rp 1.500) 100 consumed 12 Jan and 10 in Dec 2025; ink (Rp 200/ml) 50 ml consumed 20 Feb.

Known answers: income 600.000 net (payments 850.000, refunds 50.000, corrections −200.000); cash 200.000,
transfer 300.000, QRIS 100.000; January 200.000, February 400.000, March 0; pouch 500.000, sablon 100.000,
design 0. Outstanding: D 70.000 + B 50.000 + E 125.000 = 245.000 on 3 requests. Subsidy: B 150.000 + E 125.000
= 275.000 on 2 requests; Aru 125.000, Ambon 150.000. Material used: pouch 100 = 150.000, ink 50 = 10.000.
"""
import datetime

import pytest
from django.utils import timezone

from accounts.models import District
from bookings.models import Booking, Service
from materials.models import Material, StockMove
from payments.models import LedgerEntry, Quotation
from reports import money
from reports.metrics import ReportParams
from tests.factories import BusinessFactory, ProductFactory

Q1 = ReportParams(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day} {hour:02d}:00"))


@pytest.fixture
def known(db):
    aru, ambon = District.objects.get(name="Kepulauan Aru"), District.objects.get(name="Kota Ambon")
    pouch, sablon, design = (Service.objects.get(slug=s) for s in ("kemasan-standing-pouch", "sablon", "desain-kemasan"))
    x = BusinessFactory(district=aru, sector="food", scale="mikro", owner_gender="female")
    y = BusinessFactory(district=ambon, sector="craft", scale="kecil", owner_gender="male")
    px, py = ProductFactory(business=x), ProductFactory(business=y)

    def booking(code, product, service, verified, status):
        return Booking.objects.create(
            code=code, business=product.business, product=product, service=service, created_by=product.business.owner,
            quantity=100, unit_price=0, estimated_cost=0, status=status, submitted_at=at(verified), verified_at=at(verified),
        )

    def quote(b, subtotal, subsidy, version=1, state="accepted"):
        return Quotation.objects.create(booking=b, version=version, quantity=100, unit_price=subtotal // 100, subtotal=subtotal,
                                        subsidy=subsidy, total=subtotal - subsidy, state=state)

    def entry(b, day, amount, method="cash", kind="payment", reverses=None, number=[0]):
        number[0] += 1
        return LedgerEntry.objects.create(
            booking=b, kind=kind, method=method, amount=amount, business_day=datetime.date.fromisoformat(day),
            recorded_at=at(day), reverses=reverses, receipt_year=None if kind == "reversal" else 2026,
            receipt_number=None if kind == "reversal" else number[0],
        )

    a = booking("A", px, pouch, "2026-01-06", "selesai")
    b = booking("B", py, sablon, "2026-02-10", "produksi")
    c = booking("C", px, design, "2026-03-05", "dibatalkan")
    d = booking("D", py, pouch, "2025-12-01", "produksi")
    e = booking("E", px, design, "2026-03-10", "dalam_antrean")
    quote(a, 500_000, 0)
    quote(b, 300_000, 999, version=1, state="superseded")
    quote(b, 300_000, 150_000, version=2)
    quote(c, 250_000, 125_000)
    quote(d, 130_000, 50_000)
    quote(e, 250_000, 125_000, state="offered")
    wrong = entry(a, "2026-01-10", 200_000)
    entry(a, "2026-02-01", 300_000, "transfer")
    entry(a, "2026-02-02", -200_000, kind="reversal", reverses=wrong)
    entry(a, "2026-02-02", 200_000)
    entry(b, "2026-02-15", 100_000, "qris")
    entry(c, "2026-03-06", 50_000)
    entry(c, "2026-03-07", -50_000, kind="refund")
    entry(d, "2025-12-15", 10_000)

    pouches = Material.objects.create(name="Standing pouch 12x20", unit="piece", unit_cost=1500)
    ink = Material.objects.create(name="Tinta", unit="ml", unit_cost=200)

    def moves(material, rows):
        for sequence, (kind, quantity, on_hand, reserved, day, booking_) in enumerate(rows, start=1):
            move = StockMove.objects.create(material=material, sequence=sequence, kind=kind, quantity=quantity,
                                            on_hand_after=on_hand, reserved_after=reserved, unit_cost=material.unit_cost,
                                            booking=booking_)
            StockMove.objects.filter(pk=move.pk).update(created_at=at(day))

    moves(pouches, [("purchase", 500, 500, 0, "2025-11-01", None), ("reserve", 10, 500, 10, "2025-12-01", d),
                    ("consume", -10, 490, 0, "2025-12-02", d), ("reserve", 100, 490, 100, "2026-01-11", a),
                    ("consume", -100, 390, 0, "2026-01-12", a)])
    moves(ink, [("purchase", 1000, 1000, 0, "2026-01-02", None), ("reserve", 50, 1000, 50, "2026-02-19", b),
                ("consume", -50, 950, 0, "2026-02-20", b)])


def test_income_per_period_service_and_method(known):
    income = money.income(Q1)
    assert (income["total"], income["payments"], income["refunds"], income["reversals"]) == (600_000, 850_000, 50_000, -200_000)
    assert [(str(m["label"]), m["total"]) for m in income["by_method"]] == [("Tunai", 200_000), ("Transfer bank", 300_000), ("QRIS", 100_000)]
    assert [(m["month"], m["total"]) for m in income["by_month"]] == [
        (datetime.date(2026, 1, 1), 200_000), (datetime.date(2026, 2, 1), 400_000), (datetime.date(2026, 3, 1), 0)
    ]
    assert {s["label"]: s["total"] for s in income["by_service"]} == {
        "Kemasan standing pouch": 500_000, "Sablon": 100_000, "Desain kemasan": 0
    }


def test_outstanding_balances(known):
    outstanding = money.outstanding(Q1)
    assert (outstanding["total"], outstanding["requests"]) == (245_000, 3)
    assert [(q.booking.code, q.balance) for q in outstanding["top"]] == [("E", 125_000), ("D", 70_000), ("B", 50_000)]


def test_subsidy_per_district_sector_scale_and_gender(known):
    subsidy = money.subsidy(Q1)
    assert (subsidy["total"], subsidy["requests"]) == (275_000, 2)
    assert [(r["label"], r["total"], r["umkm"]) for r in subsidy["district"]] == [("Kota Ambon", 150_000, 1), ("Kepulauan Aru", 125_000, 1)]
    assert [(str(r["label"]), r["total"]) for r in subsidy["sector"]] == [("Kerajinan", 150_000), ("Makanan olahan", 125_000)]
    assert [(str(r["label"]), r["total"]) for r in subsidy["scale"]] == [("Kecil", 150_000), ("Mikro", 125_000)]
    assert [(str(r["label"]), r["total"]) for r in subsidy["gender"]] == [("Laki-laki", 150_000), ("Perempuan", 125_000)]


def test_material_used_quantity_and_value(known):
    used = money.materials_used(Q1)
    assert [(r["label"], r["quantity"], r["value"]) for r in used["lines"]] == [
        ("Standing pouch 12x20", 100, 150_000), ("Tinta", 50, 10_000)
    ]
    assert used["value"] == 160_000


def test_exports_carry_the_same_numbers(known, admin_user, client):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(admin_user)
    query = "?period=&start=2026-01-01&end=2026-03-31"
    workbook = load_workbook(BytesIO(client.get(f"/laporan/keuangan/unduh.xlsx{query}").content))
    summary = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert summary["Pendapatan bersih (Rp)"] == 600_000 and summary["Subsidi yang diberikan (Rp)"] == 275_000
    csv_text = client.get(f"/laporan/keuangan/unduh.csv{query}").content.decode("utf-8-sig")
    assert "Tinta,Nilai (Rp),10000" in csv_text
    page = client.get(f"/laporan/keuangan/{query}").content.decode()
    assert "Rp 600.000" in page and "Rp 245.000" in page

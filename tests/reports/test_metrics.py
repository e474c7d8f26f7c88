"""The report's numbers on a fixed data set whose answers are known by hand (both databases).

Q1 2026 (1 January – 31 March), times in WIT:
- A: Kepulauan Aru, pouch, submitted 5 Jan 09:00, verified 6 Jan, done 15 Jan 09:00 (10 days), due 19 Jan (on time),
     500 units, Rp 1.250.000, one revision round; business X (first time)
- B: Kepulauan Aru, pouch, submitted 10 Feb 09:00, done 14 Feb 09:00 (4 days), due 12 Feb (late), 200 units, Rp 500.000;
     business X again
- C: Kota Ambon, sablon, submitted 1 Mar 09:00, done 21 Mar 09:00 (20 days), due 30 Mar (on time), 50 units,
     Rp 150.000; business Y, which had a request completed in 2025 (not first time)
- D: Kota Ambon, pouch, submitted 20 Dec 2025, still in production (backlog at start and end)
- E: Kepulauan Aru, pouch, submitted 3 Mar, rejected 4 Mar
- F: Kota Ambon, sablon, submitted 15 Mar, cancelled 16 Mar
- G: Kota Ambon, sablon, submitted 2025-06-01, done 2025-06-10 (business Y, before the period)
"""
import datetime

import pytest
from django.utils import timezone

from accounts.models import District
from bookings.models import Booking, BookingEvent, Service
from reports import rollup
from reports.metrics import ReportParams, breakdown, stages, summary, weekly
from tests.factories import BusinessFactory, ProductFactory

Q1 = ReportParams(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day} {hour:02d}:00"))


@pytest.fixture
def known(db):
    aru = District.objects.get(name="Kepulauan Aru")
    ambon = District.objects.get(name="Kota Ambon")
    pouch = Service.objects.get(slug="kemasan-standing-pouch")
    sablon = Service.objects.get(slug="sablon")
    x = BusinessFactory(district=aru, sector="food", scale="mikro", owner_gender="female")
    y = BusinessFactory(district=ambon, sector="craft", scale="kecil", owner_gender="male")
    px, py = ProductFactory(business=x), ProductFactory(business=y)

    def booking(code, product, service, submitted, status, closed=None, verified=None, due=None, units=None, cost=0, qty=100):
        b = Booking.objects.create(
            code=code, business=product.business, product=product, service=service, created_by=product.business.owner,
            quantity=qty, unit_price=0, estimated_cost=cost, status=status, submitted_at=at(submitted),
            verified_at=at(verified) if verified else None, closed_at=at(closed) if closed else None,
            due_date=datetime.date.fromisoformat(due) if due else None, quantity_produced=units,
        )
        return b

    a = booking("A", px, pouch, "2026-01-05", "selesai", "2026-01-15", "2026-01-06", "2026-01-19", 500, 1_250_000, 500)
    booking("B", px, pouch, "2026-02-10", "selesai", "2026-02-14", "2026-02-10", "2026-02-12", 200, 500_000, 200)
    booking("C", py, sablon, "2026-03-01", "selesai", "2026-03-21", "2026-03-02", "2026-03-30", 50, 150_000, 50)
    booking("D", py, pouch, "2025-12-20", "produksi", verified="2025-12-22")
    booking("E", px, pouch, "2026-03-03", "ditolak", "2026-03-04")
    booking("F", py, sablon, "2026-03-15", "dibatalkan", "2026-03-16")
    booking("G", py, sablon, "2025-06-01", "selesai", "2025-06-10", "2025-06-02", "2025-06-16", 50, 150_000, 50)
    # A's history: 1 day submitted, 2 days queued, 3 days design, 1 day waiting for approval, then revision 1 day…
    for status, seconds in [("diajukan", 86400), ("dalam_antrean", 2 * 86400), ("desain", 3 * 86400),
                            ("menunggu_persetujuan", 86400), ("revisi", 86400)]:
        BookingEvent.objects.create(booking=a, action="x", from_status=status, to_status="x", created_at=at("2026-01-10"),
                                    stage_seconds=seconds)
    BookingEvent.objects.create(booking=a, action="request_revision", from_status="menunggu_persetujuan", to_status="revisi",
                                created_at=at("2026-01-11"), stage_seconds=None)
    rollup.rebuild()  # rows written past the services: the report's roll-up is rebuilt, as seed_demo does
    return {"aru": aru, "ambon": ambon, "pouch": pouch, "sablon": sablon}


def test_counts_backlog_reach_and_value(known):
    s = summary(Q1)
    assert (s["submitted"], s["verified"], s["completed"], s["rejected"], s["cancelled"]) == (5, 3, 3, 1, 1)
    assert (s["backlog_start"], s["backlog_end"]) == (1, 1)  # D
    assert (s["umkm"], s["first_time"], s["products"]) == (2, 1, 2)
    assert (s["units"], s["value"]) == (750, 1_900_000)
    assert (s["on_time"], s["with_due"]) == (2, 3) and s["on_time_rate"] == pytest.approx(2 / 3)
    assert (s["revisions"], s["revisions_per_request"]) == (1, pytest.approx(1 / 3))


def test_lead_time_median_and_90th_percentile(known):
    s = summary(Q1)
    # 4, 10, 20 days: median 10; p90 position 1 + 2 × 0.9 = 2.8 → 10 + 0.8 × 10 = 18
    assert s["lead_p50"] == pytest.approx(10) and s["lead_p90"] == pytest.approx(18)


def test_kepulauan_aru_in_the_first_quarter(known):
    """How many UMKM from Kepulauan Aru did we serve in Q1, how long did they wait, which stage held them up?"""
    aru = ReportParams(start=Q1.start, end=Q1.end, district_id=known["aru"].pk)
    s = summary(aru)
    assert (s["umkm"], s["completed"]) == (1, 2)
    assert s["lead_p50"] == pytest.approx(7)  # 4 and 10 days
    assert stages(aru)[0]["status"] == "desain"  # 3 days: the longest median


def test_breakdowns(known):
    by_district = {row["label"]: row for row in breakdown(Q1, "district")}
    assert (by_district["Kepulauan Aru"]["completed"], by_district["Kota Ambon"]["completed"]) == (2, 1)
    assert (by_district["Kepulauan Aru"]["submitted"], by_district["Kota Ambon"]["submitted"]) == (3, 2)
    by_gender = {row["key"]: row["umkm"] for row in breakdown(Q1, "gender")}
    assert by_gender == {"female": 1, "male": 1}
    by_service = {row["label"]: row for row in breakdown(Q1, "service")}
    assert by_service["Kemasan standing pouch"]["lead_p50"] == pytest.approx(7)
    assert by_service["Sablon"]["value"] == 150_000


def test_weekly_throughput_and_backlog(known):
    weeks = weekly(Q1)
    assert weeks[0]["week"] == datetime.date(2025, 12, 29)
    assert sum(w["submitted"] for w in weeks) == 5 and sum(w["completed"] for w in weeks) == 3
    assert weeks[-1]["backlog"] == 1

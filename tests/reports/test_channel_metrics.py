"""The report split by channel, and the guest-book / account / turnover figures, on a data set whose
answers are known by hand. Unmarked: runs on SQLite in the first pass and on PostgreSQL in the second.

Q1 2026, times in WIT:
- A online  (owner X, claimed): submitted 5 Jan, done 15 Jan (10 days), 500 units, Rp 1.000.000
- B counter (owner Y, entered by staff, unclaimed): submitted 10 Feb, done 14 Feb (4 days), 100 units, Rp 200.000
- C counter (owner Y): submitted 1 Mar, done 21 Mar (20 days), 50 units, Rp 100.000
- D WhatsApp (owner Y): submitted 3 Mar, still open
- E outreach (owner Z, entered by staff, then claimed): submitted 10 Mar, done 12 Mar (2 days), 10 units, Rp 50.000
Guest book: 3 visits in Q1 (design by a first-time woman from Ambon turned into request C; halal by a returning
man from Aru; collecting goods, no gender) and 1 in April (outside).
Surveys in Q1 with a turnover band: A before "lt5m" now "5m_15m" (up); B before "5m_15m" now "5m_15m" (same).
"""
import datetime

import pytest
from django.utils import timezone

from accounts.models import AccountEvent, District
from bookings.models import Booking, Service
from intake.models import Visit
from reports.exports import report_csv, tables
from reports import rollup
from reports.metrics import ReportParams, breakdown, build, intake_summary, summary
from reports.models import SurveyResponse
from tests.factories import BusinessFactory, ProductFactory, UserFactory

Q1 = ReportParams(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day} {hour:02d}:00"))


@pytest.fixture
def known(db):
    from accounts.roles import Role

    ambon, aru = District.objects.get(name="Kota Ambon"), District.objects.get(name="Kepulauan Aru")
    pouch = Service.objects.get(slug="kemasan-standing-pouch")
    staff = UserFactory(role=Role.STAFF)
    x = BusinessFactory(district=ambon, turnover_band="5m_15m")
    y = BusinessFactory(district=ambon, turnover_band="5m_15m")
    z = BusinessFactory(district=aru)
    for business, claimed in ((y, False), (z, True)):
        owner = business.owner
        owner.is_claimed = claimed
        owner.save(update_fields=["is_claimed"])
        event = AccountEvent.objects.create(user=owner, actor=staff, action=AccountEvent.Action.CREATED_BY_STAFF)
        AccountEvent.objects.filter(pk=event.pk).update(created_at=at("2026-02-01"))
    px, py, pz = (ProductFactory(business=b) for b in (x, y, z))

    def booking(code, product, channel, submitted, closed=None, units=None, cost=0):
        return Booking.objects.create(
            code=code, business=product.business, product=product, service=pouch, created_by=product.business.owner,
            entered_by=staff if channel != "online" else product.business.owner, channel=channel, quantity=100,
            unit_price=0, estimated_cost=cost, status="selesai" if closed else "diajukan", submitted_at=at(submitted),
            closed_at=at(closed) if closed else None, quantity_produced=units,
        )

    a = booking("A", px, "online", "2026-01-05", "2026-01-15", 500, 1_000_000)
    b = booking("B", py, "counter", "2026-02-10", "2026-02-14", 100, 200_000)
    c = booking("C", py, "counter", "2026-03-01", "2026-03-21", 50, 100_000)
    booking("D", py, "whatsapp", "2026-03-03")
    booking("E", pz, "outreach", "2026-03-10", "2026-03-12", 10, 50_000)
    scores = {f"u{i}": 4 for i in range(1, 10)}
    for done, before, now in ((a, "lt5m", "5m_15m"), (b, "5m_15m", "5m_15m")):
        survey = SurveyResponse.objects.create(booking=done, turnover_band=now, turnover_band_before=before, **scores)
        SurveyResponse.objects.filter(pk=survey.pk).update(created_at=at("2026-03-25"))
    for day, purpose, district, gender, first, booking_ in (
        ("2026-02-28", "design", ambon, "female", True, c), ("2026-03-05", "halal", aru, "male", False, None),
        ("2026-03-06", "collect", None, "", False, None), ("2026-04-02", "design", ambon, "female", True, None),
    ):
        Visit.objects.create(name="Tamu", purpose=purpose, district=district, gender=gender, is_first_visit=first,
                             staff=staff, visited_at=at(day), booking=booking_, duration_minutes=10)
    rollup.rebuild()  # rows written past the services: the report's roll-up is rebuilt, as seed_demo does
    return {"pouch": pouch}


def test_breakdown_by_channel(known):
    rows = {row["key"]: row for row in breakdown(Q1, "channel")}
    assert {k: (r["submitted"], r["completed"], r["units"], r["value"]) for k, r in rows.items()} == {
        "online": (1, 1, 500, 1_000_000), "counter": (2, 2, 150, 300_000), "whatsapp": (1, 0, 0, 0),
        "outreach": (1, 1, 10, 50_000),
    }
    assert rows["counter"]["lead_p50"] == pytest.approx(12)  # 4 and 20 days
    assert rows["online"]["lead_p50"] == pytest.approx(10) and rows["outreach"]["lead_p50"] == pytest.approx(2)
    assert str(rows["counter"]["label"]) in ("Counter", "Loket")


def test_whole_report_limited_to_one_channel(known):
    counter = summary(ReportParams(start=Q1.start, end=Q1.end, channel="counter"))
    assert (counter["submitted"], counter["completed"], counter["umkm"], counter["units"]) == (2, 2, 1, 150)
    assert counter["lead_p50"] == pytest.approx(12)
    online = summary(ReportParams(start=Q1.start, end=Q1.end, channel="online"))
    assert (online["submitted"], online["completed"], online["lead_p50"]) == (1, 1, pytest.approx(10))


def test_guest_book_accounts_and_turnover(known):
    i = intake_summary(Q1)
    assert (i["visits"], i["consultations"], i["converted"], i["first_time"], i["minutes"]) == (3, 2, 1, 1, 30)
    purposes = {str(r["label"]): (r["visits"], r["consultations"]) for r in i["by"]["purpose"]}
    assert sorted(purposes.values()) == [(1, 0), (1, 1), (1, 1)]
    districts = {str(r["label"]): r["visits"] for r in i["by"]["district"]}
    assert districts["Kota Ambon"] == 1 and districts["Kepulauan Aru"] == 1 and len(districts) == 3  # one not stated
    assert sorted(r["visits"] for r in i["by"]["gender"]) == [1, 1, 1]
    assert sorted((r["visits"]) for r in i["by"]["first_visit"]) == [1, 2]
    # Y submitted in Q1 and has not claimed; X is online, Z claimed
    assert i["without_account"] == 1
    assert (i["entered_by_staff"], i["claimed"], i["claim_rate"]) == (2, 1, pytest.approx(0.5))
    assert i["turnover"] == {"up": 1, "same": 1, "down": 0, "answered": 2, "compared": 2, "up_rate": pytest.approx(0.5)}


def test_exports_carry_channel_and_guest_book(known):
    report = build(Q1)
    titles = [str(t.title) for t in tables(report)]
    assert any(t in titles for t in ("By channel", "Menurut saluran"))
    assert any(t in titles for t in ("Guest book and accounts", "Buku tamu dan akun"))
    assert any(t in titles for t in ("Visits by purpose", "Kunjungan per keperluan"))
    text = report_csv(report).decode("utf-8-sig")
    assert "1000000" in text or "1,000,000" in text
    channel_rows = [line for line in text.splitlines() if line.startswith(("By channel", "Menurut saluran"))]
    assert len(channel_rows) == 4 * 6  # 4 channels × 6 columns after the group

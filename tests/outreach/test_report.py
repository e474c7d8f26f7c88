"""The report counts outreach intake per trip and per regency/city, next to the other channels."""
import datetime
import uuid

import pytest
from django.utils import timezone

from bookings.models import Service
from bookings.services import booking_submit
from outreach.selectors import channels_by_district, counts_by_trip
from outreach.services import record_sync
from tests.outreach.conftest import intake_fields


def _sync(staff, trip, **fields):
    now = timezone.now()
    return record_sync(actor=staff, trip=trip, client_uuid=uuid.uuid4(), kind=fields.pop("kind", "intake"),
                       fields=fields or intake_fields(), device_time=now, device_time_text=now.isoformat())


def _count_both(staff, trip, owner, product):
    _sync(staff, trip)
    _sync(staff, trip, **intake_fields(phone="0813 2222 3333", owner_name="Ibu Lain", business_name="Usaha Lain"))
    _sync(staff, trip, kind="visit", visitor_name="Pak Tamu", visitor_phone="", visitor_gender="male",
          visit_purpose="halal", visit_note="Tanya halal")
    _sync(staff, trip, **intake_fields(phone="1"))  # refused: not counted
    booking_submit(actor=owner, product=product, service=Service.objects.get(slug="desain-kemasan"), quantity=1)
    start, end = timezone.now() - datetime.timedelta(days=1), timezone.now() + datetime.timedelta(days=1)
    (row,) = counts_by_trip(start, end)
    assert (row.intakes, row.visits) == (2, 1)
    by_district = {r["district"]: r for r in channels_by_district(start, end)}
    assert by_district["Kepulauan Aru"]["outreach"] == 2 and by_district["Kepulauan Aru"]["visits"] == 1
    assert by_district["Kota Ambon"]["online"] == 1 and by_district["Kota Ambon"]["outreach"] == 0
    assert counts_by_trip(end, end + datetime.timedelta(days=1)).count() == 0


@pytest.mark.django_db
def test_outreach_counts_per_trip_and_district(staff, trip, owner, product):
    _count_both(staff, trip, owner, product)


@pytest.mark.postgres
@pytest.mark.django_db
def test_outreach_counts_per_trip_and_district_on_postgresql(staff, trip, owner, product):
    from django.db import connection

    assert connection.vendor == "postgresql"
    _count_both(staff, trip, owner, product)


@pytest.mark.django_db
def test_report_page_shows_the_outreach_section(client, admin_user, staff, trip):
    _sync(staff, trip)
    client.force_login(admin_user)
    page = client.get("/laporan/").content.decode()
    assert 'id="outreach-report"' in page and "Kepulauan Aru · Dobo" in page


@pytest.mark.django_db
def test_report_exports_carry_the_outreach_tables(staff, trip):
    """The XLSX and CSV of the report have the page's outreach tables (per regency/city, per trip)."""
    import io

    from openpyxl import load_workbook

    from reports import exports
    from reports.metrics import ReportParams
    from reports.selectors import report

    _sync(staff, trip)
    _sync(staff, trip, kind="visit", visitor_name="Pak Tamu", visitor_phone="", visitor_gender="male",
          visit_purpose="halal", visit_note="Tanya halal")
    today = timezone.localdate()
    data = report(ReportParams(start=today - datetime.timedelta(days=7), end=today))
    workbook = load_workbook(io.BytesIO(exports.report_xlsx(data)))
    by_district = [row for row in workbook["Pendataan jemput bola per kabup"].iter_rows(values_only=True)]
    assert by_district[0][:3] == ("Kabupaten/kota", "Jemput bola", "Buku tamu")
    assert ("Kepulauan Aru", 1, 1, 0, 0, 0) in by_district
    trips = list(workbook["Pendataan jemput bola per perja"].iter_rows(values_only=True))
    assert trips[1][:2] == ("Kepulauan Aru", "Dobo, Kec. Pulau-Pulau Aru")
    assert trips[1][2].date() == trip.starts_on and trips[1][4:] == (1, 1, 20)
    csv_text = exports.report_csv(data).decode("utf-8-sig")
    assert "Pendataan jemput bola per perjalanan" in csv_text and "Dobo, Kec. Pulau-Pulau Aru" in csv_text

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportExport, SurveyResponse
from reports.survey import grade, ikm, ikm_from_averages
from tests.reports.test_metrics import Q1, known  # noqa: F401 - the fixture


def test_only_admins_and_the_head_of_office_see_the_report(client, owner, staff, manager, admin_user):
    url = reverse("reports:report")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user, status in [(owner, 403), (staff, 403), (manager, 200), (admin_user, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_report_page_answers_the_aru_question(client, manager, known):  # noqa: F811
    client.force_login(manager)
    response = client.get(reverse("reports:report"), {"start": "2026-01-01", "end": "2026-03-31", "district": known["aru"].pk})
    assert response.status_code == 200
    summary = response.context["report"]["summary"]
    assert (summary["umkm"], summary["completed"]) == (1, 2)
    assert "<svg" in response.content.decode()


def test_bad_period_is_named(client, manager, db):
    client.force_login(manager)
    response = client.get(reverse("reports:report"), {"start": "2026-03-31", "end": "2026-01-01"})
    assert response.status_code == 200 and "end" in response.context["form"].errors and "report" not in response.context


def test_xlsx_export_has_a_sheet_per_table_with_real_numbers_and_dates(client, manager, known, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export"), {"start": "2026-01-01", "end": "2026-03-31", "kind": "report_xlsx"})
    export = ReportExport.objects.get()
    assert export.status == "ready"
    response = client.get(reverse("reports:download", args=[export.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert {"Ringkasan", "Tahapan", "Per layanan"} <= set(workbook.sheetnames)
    summary = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Permohonan selesai"] == 3 and isinstance(summary["Permohonan selesai"], int)
    assert summary["Lama layanan, median (hari)"] == pytest.approx(10)
    assert summary["Periode dari"].year == 2026  # a real date cell


def test_bookings_csv_export_lists_requests_with_stage_times(client, manager, known, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export"), {"start": "2026-01-01", "end": "2026-03-31", "kind": "bookings_csv"})
    export = ReportExport.objects.get()
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    codes = {row[0] for row in rows[1:]}
    assert codes == {"A", "B", "C", "E", "F"}
    a = next(row for row in rows if row[0] == "A")
    assert float(a[rows[0].index("Hari di: Desain")]) == pytest.approx(3)


def test_another_persons_export_is_404(client, manager, admin_user, known, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export"), {"period": "year", "kind": "report_csv"})
    client.force_login(admin_user)
    assert client.get(reverse("reports:download", args=[ReportExport.objects.get().pk])).status_code == 404


def test_ikm_follows_the_regulation():
    assert ikm_from_averages({f"u{i}": 4 for i in range(1, 10)}) == 100
    assert ikm_from_averages({f"u{i}": 1 for i in range(1, 10)}) == 25
    # averages 3.5 on four elements and 3 on five: (4 × 3.5 + 5 × 3) / 9 × 25 = 80.56 → B (good)
    value = ikm_from_averages({**{f"u{i}": 3.5 for i in range(1, 5)}, **{f"u{i}": 3 for i in range(5, 10)}})
    assert value == pytest.approx(80.56, abs=0.01) and grade(value)[0] == "B"
    assert grade(88.31)[0] == "A" and grade(65.0)[0] == "C" and grade(64.99)[0] == "D"


def test_owner_answers_the_survey_once_after_hand_over(client, owner, product, db):
    from bookings.models import Booking
    from bookings.services import booking_submit

    from bookings.models import Service

    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="sablon"), quantity=50)
    Booking.objects.filter(pk=booking.pk).update(status="selesai")
    client.force_login(owner)
    url = reverse("reports:survey", kwargs={"code": booking.code})
    answers = {f"u{i}": "4" for i in range(1, 10)}
    response = client.post(url, {**answers, "u9": "9"})
    assert response.status_code == 200 and "u9" in response.context["form"].errors
    client.post(url, {**answers, "comment": "Mantap"})
    assert SurveyResponse.objects.get().u9 == 4
    assert ikm(SurveyResponse.objects.all())["ikm"] == 100
    assert client.get(url).status_code == 302  # already answered


def test_survey_of_another_owner_is_404(client, owner, other_owner, product, pouch):
    from bookings.services import booking_submit

    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    client.force_login(other_owner)
    assert client.get(reverse("reports:survey", kwargs={"code": booking.code})).status_code == 404


def test_public_summary_only_when_switched_on(client, known, settings):  # noqa: F811
    settings.RK_PUBLIC_SUMMARY = False
    assert "public_summary" not in client.get("/").context
    settings.RK_PUBLIC_SUMMARY = True
    from django.core.cache import cache

    cache.clear()
    response = client.get("/")
    assert "public_summary" in response.context


def test_exports_lost_to_a_broker_outage_are_built_later(manager, known):  # noqa: F811
    import datetime

    from django.utils import timezone

    from reports.tasks import dispatch_pending_exports

    export = ReportExport.objects.create(requested_by=manager, kind="report_csv", params=Q1.as_dict())
    ReportExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert dispatch_pending_exports() == 1
    export.refresh_from_db()
    assert export.status == "ready" and export.file
    assert dispatch_pending_exports() == 0

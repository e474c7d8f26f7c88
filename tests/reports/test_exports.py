"""The exports as the provincial office opens them: openpyxl reads back labels, numbers, days and dates."""
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportExport
from reports.survey import GRADES, grade, ikm_from_averages
from tests.reports.test_metrics import known  # noqa: F401 - the fixture


def _export(client, user, kind, django_capture_on_commit_callbacks, language=None):
    client.force_login(user)
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export"), {"start": "2026-01-01", "end": "2026-03-31", "kind": kind}, **headers)
    export = ReportExport.objects.latest("pk")
    assert export.status == "ready", export.error
    response = client.get(reverse("reports:download", args=[export.pk]))
    return response, b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("ikm", "letter", "label"),
    [
        (100, "A", "Sangat baik"), (88.31, "A", "Sangat baik"), (88.30, "B", "Baik"), (76.61, "B", "Baik"),
        (76.60, "C", "Kurang baik"), (75.00, "C", "Kurang baik"), (65.00, "C", "Kurang baik"),
        (64.99, "D", "Tidak baik"), (25.00, "D", "Tidak baik"),
    ],
)
def test_ikm_grade_at_every_boundary_of_permenpan_rb_14_2017(ikm, letter, label):
    from django.utils import translation

    with translation.override("id"):
        assert (grade(ikm)[0], str(grade(ikm)[1])) == (letter, label)


def test_all_good_answers_give_75_and_grade_c_kurang_baik():
    from django.utils import translation

    value = ikm_from_averages({f"u{i}": 3 for i in range(1, 10)})
    with translation.override("id"):
        assert value == 75.0 and (grade(value)[0], str(grade(value)[1])) == ("C", "Kurang baik")


def test_grade_reads_the_rounded_index_so_no_value_falls_between_grades():
    # 76.605 rounds to 76.61 (B); 76.6049 to 76.60 (C): the table has no gap at two decimals.
    assert grade(76.605)[0] == "B" and grade(76.6049)[0] == "C" and grade(88.305)[0] == "A"
    assert [g[1] for g in GRADES] == ["A", "B", "C", "D"]


def test_report_xlsx_speaks_the_readers_language(client, manager, known, django_capture_on_commit_callbacks):  # noqa: F811
    response, content = _export(client, manager, "report_xlsx", django_capture_on_commit_callbacks)
    assert 'filename="laporan-rumah-kemasan-2026-01-01_2026-03-31.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(content))
    summary = workbook["Ringkasan"]
    assert summary.freeze_panes == "A2" and summary.column_dimensions["A"].width >= 30
    rows = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    period = rows["Periode dari"]
    assert period.value == datetime.datetime(2026, 1, 1) and period.is_date and period.number_format == "dd/mm/yyyy"
    lead = rows["Lama layanan, median (hari)"]
    assert lead.value == 10 and lead.number_format == "0.0"
    assert rows["Persentase tepat waktu"].value == pytest.approx(0.6667) and rows["Persentase tepat waktu"].number_format == "0%"
    assert rows["Nilai tarif pekerjaan yang selesai (Rp)"].value == 1_900_000 and rows["Nilai tarif pekerjaan yang selesai (Rp)"].number_format == "#,##0"
    stages = {row[0]: row for row in workbook["Tahapan"].iter_rows(min_row=2, values_only=True)}
    # A spent 3 days in design (a round number of days, not 3.47e-05 of anything)
    assert stages["Desain"][2] == 3.0
    sectors = {row[0] for row in workbook["Per sektor"].iter_rows(min_row=2, values_only=True)}
    genders = {row[0] for row in workbook["Per jenis kelamin pemilik"].iter_rows(min_row=2, values_only=True)}
    assert "Makanan olahan" in sectors and "food" not in sectors
    assert genders == {"Perempuan", "Laki-laki"}


def test_bookings_xlsx_has_labels_dates_and_rounded_days(client, manager, known, django_capture_on_commit_callbacks):  # noqa: F811
    response, content = _export(client, manager, "bookings_xlsx", django_capture_on_commit_callbacks)
    assert 'filename="permohonan-rumah-kemasan-2026-01-01_2026-03-31.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(content))["Permohonan"]
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["C"].width >= 20
    header = [cell.value for cell in sheet[1]]
    rows = {row[0].value: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)}
    a, e = rows["A"], rows["E"]
    assert (a["Sektor"].value, a["Skala"].value, a["Jenis kelamin pemilik"].value, a["Status"].value) == (
        "Makanan olahan", "Mikro", "Perempuan", "Selesai")
    assert e["Status"].value == "Ditolak"
    assert a["Diajukan"].value == datetime.datetime(2026, 1, 5) and a["Diajukan"].number_format == "dd/mm/yyyy"
    assert a["Tanggal jatuh tempo"].is_date
    assert a["Lama layanan (hari)"].value == 10 and a["Lama layanan (hari)"].number_format == "0.0"
    assert a["Hari di: Desain"].value == 3 and a["Hari di: Desain"].number_format == "0.0"
    assert a["Biaya (Rp)"].value == 1_250_000 and a["Biaya (Rp)"].number_format == "#,##0"
    assert a["Jumlah"].value == 500 and isinstance(a["Jumlah"].value, int)


def test_export_is_written_in_the_language_of_the_person_who_asked(client, manager, known, django_capture_on_commit_callbacks):  # noqa: F811
    from django.utils import translation

    client.force_login(manager)
    with translation.override("en"):
        from reports import services
        from reports.metrics import ReportParams

        with django_capture_on_commit_callbacks(execute=True):
            export = services.export_request(
                user=manager, kind="bookings_xlsx",
                params=ReportParams(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31)), language="en",
            )
    export.refresh_from_db()
    assert services.export_file_name(export) == "requests-rumah-kemasan-2026-01-01_2026-03-31.xlsx"
    sheet = load_workbook(export.file.path)["Requests"]
    header = [cell.value for cell in sheet[1]]
    a = next(dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "A")
    assert (a["Sector"], a["Status"]) == ("Processed food", "Completed")


def test_bookings_csv_has_labels_iso_dates_and_rounded_days(client, manager, known, django_capture_on_commit_callbacks):  # noqa: F811
    import csv

    response, content = _export(client, manager, "bookings_csv", django_capture_on_commit_callbacks)
    assert 'filename="permohonan-rumah-kemasan-2026-01-01_2026-03-31.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    a = next(row for row in rows if row["Kode"] == "A")
    assert (a["Sektor"], a["Status"], a["Diajukan"], a["Lama layanan (hari)"]) == ("Makanan olahan", "Selesai", "2026-01-05", "10.0")

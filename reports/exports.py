"""Report and data exports, written for the reader at the provincial office.

XLSX (openpyxl): one sheet per table, labels instead of internal codes, real number and date cells
with Excel number formats (durations in days rounded to one decimal, Rupiah with thousands
separators), the header row frozen and the columns sized to their content. CSV: the same values,
dates in ISO form. Every text is in the language active while the export is built (the language of
the person who asked for it, see reports.services.export_build).
"""
from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accounts.models import Business
from core.formatting import spreadsheet_safe
from bookings.workflow import Status
from reports.dbfunctions import DaysBetween
from reports.metrics import ReportParams, _in, scope

# Kinds of value, each with its Excel number format and how it is rounded.
TEXT, COUNT, DAYS, DATE, RUPIAH, RATE, INDEX = "text", "count", "days", "date", "rupiah", "rate", "index"
NUMBER_FORMATS = {COUNT: "#,##0", DAYS: "0.0", DATE: "dd/mm/yyyy", RUPIAH: "#,##0", RATE: "0%", INDEX: "0.00", TEXT: "@"}
WIDTHS = {COUNT: 10, DAYS: 10, DATE: 12, RUPIAH: 16, RATE: 8, INDEX: 8, TEXT: 14}
MAX_WIDTH = 48


def value_of(kind: str, value):
    """The cell value of a figure: durations rounded to 0.1 day, indexes to 0.01, text as text."""
    if value is None:
        return None
    if isinstance(value, Promise):
        return str(value)
    if kind == DAYS:
        return round(float(value), 1)
    if kind == INDEX:
        return round(float(value), 2)
    if kind == RATE:
        return round(float(value), 4)
    if kind in (COUNT, RUPIAH):
        return int(value)
    return value


@dataclass
class Table:
    title: str
    columns: list[tuple[str, str]]  # (header, kind)
    rows: list[list]
    row_kinds: list[str] | None = None  # per row instead of per column (the summary: one value per row)

    def kind(self, row_index: int, column_index: int) -> str:
        if self.row_kinds is not None and column_index > 0:
            return self.row_kinds[row_index]
        return self.columns[column_index][1]


def _grade(grade) -> str | None:
    return f"{grade[0]} ({grade[1]})" if grade else None


def _summary(report) -> Table:
    s, p, ikm = report["summary"], report["params"], report["ikm"]
    rows = [
        (_("Period from"), p.start, DATE),
        (_("Period until"), p.end, DATE),
        (_("Requests submitted"), s["submitted"], COUNT),
        (_("Requests verified"), s["verified"], COUNT),
        (_("Requests completed"), s["completed"], COUNT),
        (_("Requests rejected"), s["rejected"], COUNT),
        (_("Requests cancelled"), s["cancelled"], COUNT),
        (_("Backlog at the start"), s["backlog_start"], COUNT),
        (_("Backlog at the end"), s["backlog_end"], COUNT),
        (_("Lead time, median (days)"), s["lead_p50"], DAYS),
        (_("Lead time, 90th percentile (days)"), s["lead_p90"], DAYS),
        (_("On-time rate"), s["on_time_rate"], RATE),
        (_("Revision rounds per completed request"), s["revisions_per_request"], INDEX),
        (_("UMKM served"), s["umkm"], COUNT),
        (_("First-time UMKM"), s["first_time"], COUNT),
        (_("Products packaged"), s["products"], COUNT),
        (_("Units produced"), s["units"], COUNT),
        (_("Tariff value of completed work (Rp)"), s["value"], RUPIAH),
        (_("Satisfaction index (IKM)"), ikm["ikm"], INDEX),
        (_("Grade (PermenPAN-RB 14/2017)"), _grade(ikm["grade"]), TEXT),
        (_("Survey responses"), ikm["responses"], COUNT),
    ]
    return Table(
        _("Summary"), [(_("Measure"), TEXT), (_("Value"), TEXT)],
        [[label, value_of(kind, value)] for label, value, kind in rows], row_kinds=[kind for _l, _v, kind in rows],
    )


def _intake_tables(i) -> list[Table]:
    """Guest book, accounts and turnover (issue 9)."""
    rows = [
        (_("Visits in the guest book"), i["visits"], COUNT),
        (_("Consultations"), i["consultations"], COUNT),
        (_("Consultations turned into a request"), i["converted"], COUNT),
        (_("First-time visitors"), i["first_time"], COUNT),
        (_("Minutes of visits"), i["minutes"], COUNT),
        (_("Owners served without an account"), i["without_account"], COUNT),
        (_("Accounts entered by staff"), i["entered_by_staff"], COUNT),
        (_("Accounts claimed"), i["claimed"], COUNT),
        (_("Claim rate"), i["claim_rate"], RATE),
        (_("Turnover answers in the survey"), i["turnover"]["answered"], COUNT),
        (_("Turnover up"), i["turnover"]["up"], COUNT),
        (_("Turnover the same"), i["turnover"]["same"], COUNT),
        (_("Turnover down"), i["turnover"]["down"], COUNT),
        (_("Share with a higher turnover"), i["turnover"]["up_rate"], RATE),
    ]
    result = [Table(_("Guest book and accounts"), [(_("Measure"), TEXT), (_("Value"), TEXT)],
                    [[label, value] for label, value, _kind in rows], row_kinds=[kind for _l, _v, kind in rows])]
    titles = {"purpose": _("Visits by purpose"), "district": _("Visits by regency or city"),
              "gender": _("Visits by gender"), "first_visit": _("Visits by first visit")}
    for key, title in titles.items():
        result.append(Table(title, [(_("Group"), TEXT), (_("Visits"), COUNT), (_("Consultations"), COUNT)],
                            [[str(r["label"]), r["visits"], r["consultations"]] for r in i["by"][key]]))
    return result


def _outreach_tables(o) -> list[Table]:
    """Outreach intake (issue 10): per regency/city next to the other channels, and per trip."""
    districts = Table(
        _("Outreach intake per regency/city"),
        [(_("Regency/city"), TEXT), (_("Outreach trip"), COUNT), (_("Guest-book entries"), COUNT), (_("Online"), COUNT),
         (_("Counter"), COUNT), (_("WhatsApp"), COUNT)],
        [[r["district"], r["outreach"], r["visits"], r["online"], r["counter"], r["whatsapp"]] for r in o["districts"]],
    )
    trips = Table(
        _("Outreach intake per trip"),
        [(_("Regency/city"), TEXT), (_("Place"), TEXT), (_("First day"), DATE), (_("Last day"), DATE),
         (_("Requests"), COUNT), (_("Guest-book entries"), COUNT), (_("Target"), COUNT)],
        [[str(t.district), t.place, t.starts_on, t.ends_on, t.intakes, t.visits, t.target] for t in o["trips"]],
    )
    return [districts, trips]


def tables(report) -> list[Table]:
    result = [
        _summary(report),
        Table(_("Stages"), [(_("Stage"), TEXT), (_("Times entered"), COUNT), (_("Median (days)"), DAYS),
                            (_("90th percentile (days)"), DAYS), (_("Total (days)"), DAYS)],
              [[str(r["label"]), r["count"], r["p50"], r["p90"], r["total_days"]] for r in report["stages"]]),
    ]
    names = {"service": _("By service"), "district": _("By regency or city"), "sector": _("By sector"),
             "scale": _("By business scale"), "gender": _("By owner's gender"), "staff": _("By staff member"),
             "channel": _("By channel")}
    for key, title in names.items():
        extra = key in ("service", "staff", "channel")
        columns = [(_("Group"), TEXT), (_("Submitted"), COUNT), (_("Completed"), COUNT), (_("UMKM served"), COUNT),
                   (_("Units produced"), COUNT), (_("Value (Rp)"), RUPIAH)]
        if extra:
            columns.append((_("Median lead time (days)"), DAYS))
        result.append(Table(title, columns, [
            [str(r["label"]), r["submitted"], r["completed"], r["umkm"], r["units"], r["value"]] + ([r.get("lead_p50")] if extra else [])
            for r in report["breakdowns"][key]
        ]))
    result.extend(_intake_tables(report["intake"]))
    result.append(Table(_("Weekly"), [(_("Week starting"), DATE), (_("Submitted"), COUNT), (_("Completed"), COUNT),
                                      (_("Backlog at the end"), COUNT)],
                        [[w["week"], w["submitted"], w["completed"], w["backlog"]] for w in report["weekly"]]))
    result.append(Table(_("Lead time distribution"), [(_("From (days)"), COUNT), (_("Under (days)"), COUNT), (_("Requests"), COUNT)],
                        [[d["low"], d["high"], d["count"]] for d in report["distribution"]]))
    result.append(Table(_("Satisfaction (IKM)"), [(_("Service"), TEXT), (_("Responses"), COUNT), (_("IKM"), INDEX), (_("Grade"), TEXT)],
                        [[r["group"], r["responses"], r["ikm"], _grade(r["grade"])] for r in report["ikm_by_service"]]))
    if "outreach" in report:
        result.extend(_outreach_tables(report["outreach"]))
    for table in result:
        table.rows = [[value_of(table.kind(i, j), v) for j, v in enumerate(row)] for i, row in enumerate(table.rows)]
    return result


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.date):
        return 11
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(str(value))


def _finish_sheet(sheet, widths: list[int], freeze: str = "A2") -> None:
    sheet.freeze_panes = freeze
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(8, width + 2))


def report_xlsx(report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for table in tables(report):
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append([str(header) for header, _kind in table.columns])
        for cell in sheet[1]:
            cell.font, cell.alignment = bold, wrap
        for i, row in enumerate(table.rows):
            sheet.append([spreadsheet_safe(value) for value in row])
            for j, cell in enumerate(sheet[sheet.max_row]):
                kind = table.kind(i, j)
                if kind != TEXT:
                    cell.number_format = NUMBER_FORMATS[kind]
        widths = [
            max([min(len(str(header)), 24)] + [_width(row[j]) for row in table.rows])
            for j, (header, _kind) in enumerate(table.columns)
        ]
        _finish_sheet(sheet, widths)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return spreadsheet_safe(value)


def report_csv(report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Table"), _("Row"), _("Column"), _("Value")])
    for table in tables(report):
        for row in table.rows:
            for (column, _kind), value in zip(table.columns[1:], row[1:]):
                writer.writerow([_csv_value(str(table.title)), _csv_value(row[0]), _csv_value(str(column)), _csv_value(value)])
    return out.getvalue().encode("utf-8-sig")


STAGES = [s for s in Status if s not in (Status.DONE, Status.REJECTED, Status.CANCELLED)]


def bookings_rows(params: ReportParams):
    """The requests submitted or closed in the period with their stage times (days), streamed.

    Returns the columns as (header, kind) and a generator of rows of cell values."""
    stage_sums = {f"stage_{s.value}": Sum("events__stage_seconds", filter=Q(events__from_status=s)) for s in STAGES}
    qs = (
        scope(params)
        .filter(_in("submitted_at", params) | _in("closed_at", params))
        .annotate(lead=DaysBetween(F("closed_at"), F("submitted_at")), **stage_sums)
        .values_list(
            "code", "service__name", "business__name", "business__district__name", "business__sector", "business__scale",
            "business__owner_gender", "status", "submitted_at", "verified_at", "closed_at", "due_date", "quantity",
            "quantity_produced", "estimated_cost", "lead", *stage_sums,
        )
        .order_by("submitted_at", "id")
    )
    columns = [
        (_("Code"), TEXT), (_("Service"), TEXT), (_("Business"), TEXT), (_("Regency/city"), TEXT), (_("Sector"), TEXT),
        (_("Scale"), TEXT), (_("Owner's gender"), TEXT), (_("Status"), TEXT), (_("Submitted"), DATE), (_("Verified"), DATE),
        (_("Closed"), DATE), (_("Due date"), DATE), (_("Quantity"), COUNT), (_("Quantity produced"), COUNT),
        (_("Cost (Rp)"), RUPIAH), (_("Lead time (days)"), DAYS),
        *[(_("Days in: %(stage)s") % {"stage": s.label}, DAYS) for s in STAGES],
    ]
    labels = {
        4: {k: str(v) for k, v in Business.Sector.choices}, 5: {k: str(v) for k, v in Business.Scale.choices},
        6: {k: str(v) for k, v in Business.Gender.choices}, 7: {k: str(v) for k, v in Status.choices},
    }
    tz = timezone.get_current_timezone()

    def convert(row):
        row = list(row)
        for i, choices in labels.items():
            row[i] = choices.get(row[i], row[i]) or None
        for i in (8, 9, 10):
            if row[i] is not None:
                row[i] = row[i].astimezone(tz).date()
        for i in range(16, len(row)):
            row[i] = row[i] / 86400 if row[i] is not None else None
        return [value_of(kind, value) for (_header, kind), value in zip(columns, row)]

    return columns, (convert(row) for row in qs.iterator(chunk_size=2000))


def bookings_xlsx(params: ReportParams) -> bytes:
    """Streamed (write-only workbook): constant memory for a year of requests."""
    columns, rows = bookings_rows(params)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Requests")[:31])
    # Write-only sheets take their panes and widths before the first row.
    widths = [max(min(len(str(header)), 18), WIDTHS[kind]) for header, kind in columns]
    widths[1], widths[2] = 28, 30  # service and business names
    _finish_sheet(sheet, widths, freeze="B2")
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for title, _kind in columns:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    sheet.append(header)
    formats = [NUMBER_FORMATS[kind] if kind != TEXT else None for _title, kind in columns]
    for row in rows:
        cells = []
        for value, number_format in zip(row, formats):
            if number_format and value is not None:
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = number_format
            cells.append(spreadsheet_safe(value))
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bookings_csv(params: ReportParams) -> bytes:
    columns, rows = bookings_rows(params)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(header) for header, _kind in columns])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")

"""Report and data exports: XLSX (openpyxl, one sheet per table, real number and date cells) and CSV."""
from __future__ import annotations

import csv
import datetime
import io

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from bookings.workflow import Status
from reports.dbfunctions import DaysBetween
from reports.metrics import ReportParams, _in, scope


def _summary_rows(report) -> list[tuple[str, object]]:
    s, p = report["summary"], report["params"]
    ikm = report["ikm"]
    return [
        (_("Period from"), p.start),
        (_("Period until"), p.end),
        (_("Requests submitted"), s["submitted"]),
        (_("Requests verified"), s["verified"]),
        (_("Requests completed"), s["completed"]),
        (_("Requests rejected"), s["rejected"]),
        (_("Requests cancelled"), s["cancelled"]),
        (_("Backlog at the start"), s["backlog_start"]),
        (_("Backlog at the end"), s["backlog_end"]),
        (_("Lead time, median (days)"), s["lead_p50"]),
        (_("Lead time, 90th percentile (days)"), s["lead_p90"]),
        (_("On-time rate"), s["on_time_rate"]),
        (_("Revision rounds per completed request"), s["revisions_per_request"]),
        (_("UMKM served"), s["umkm"]),
        (_("First-time UMKM"), s["first_time"]),
        (_("Products packaged"), s["products"]),
        (_("Units produced"), s["units"]),
        (_("Tariff value of completed work (Rp)"), s["value"]),
        (_("Satisfaction index (IKM)"), ikm["ikm"]),
        (_("Survey responses"), ikm["responses"]),
    ]


def _tables(report) -> list[tuple[str, list[str], list[list]]]:
    breakdown_columns = [_("Group"), _("Submitted"), _("Completed"), _("UMKM served"), _("Units produced"), _("Value (Rp)")]
    tables = [
        (_("Summary"), [_("Measure"), _("Value")], [list(r) for r in _summary_rows(report)]),
        (_("Stages"), [_("Stage"), _("Times entered"), _("Median (days)"), _("90th percentile (days)"), _("Total (days)")],
         [[str(r["label"]), r["count"], r["p50"], r["p90"], r["total_days"]] for r in report["stages"]]),
    ]
    names = {"service": _("By service"), "district": _("By regency or city"), "sector": _("By sector"),
             "scale": _("By business scale"), "gender": _("By owner's gender"), "staff": _("By staff member")}
    for key, title in names.items():
        rows = report["breakdowns"][key]
        extra = key in ("service", "staff")
        columns = breakdown_columns + ([_("Median lead time (days)")] if extra else [])
        tables.append((title, columns, [
            [str(r["label"]), r["submitted"], r["completed"], r["umkm"], r["units"], r["value"]] + ([r.get("lead_p50")] if extra else [])
            for r in rows
        ]))
    tables.append((_("Weekly"), [_("Week starting"), _("Submitted"), _("Completed"), _("Backlog at the end")],
                   [[w["week"], w["submitted"], w["completed"], w["backlog"]] for w in report["weekly"]]))
    tables.append((_("Lead time distribution"), [_("From (days)"), _("Under (days)"), _("Requests")],
                   [[d["low"], d["high"], d["count"]] for d in report["distribution"]]))
    tables.append((_("Satisfaction (IKM)"), [_("Service"), _("Responses"), _("IKM"), _("Grade")],
                   [[r["group"], r["responses"], r["ikm"], r["grade"][0] if r["grade"] else None] for r in report["ikm_by_service"]]))
    return tables


def report_xlsx(report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows in _tables(report):
        sheet = workbook.create_sheet(title[:31])
        sheet.append([str(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([str(v) if isinstance(v, Promise) else v for v in row])
        for cell in sheet["A"]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions["A"].width = 42
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_csv(report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Table"), _("Row"), _("Column"), _("Value")])
    for title, columns, rows in _tables(report):
        for row in rows:
            for column, value in zip(columns[1:], row[1:]):
                writer.writerow([str(title), str(row[0]), str(column), "" if value is None else value])
    return out.getvalue().encode("utf-8-sig")


STAGES = [s for s in Status if s not in (Status.DONE, Status.REJECTED, Status.CANCELLED)]


def bookings_rows(params: ReportParams):
    """The requests submitted or closed in the period with their stage times (days), streamed."""
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
    header = [
        _("Code"), _("Service"), _("Business"), _("Regency/city"), _("Sector"), _("Scale"), _("Owner's gender"), _("Status"),
        _("Submitted"), _("Verified"), _("Closed"), _("Due date"), _("Quantity"), _("Quantity produced"), _("Cost (Rp)"),
        _("Lead time (days)"), *[_("Days in: %(stage)s") % {"stage": s.label} for s in STAGES],
    ]
    tz = timezone.get_current_timezone()

    def convert(row):
        row = list(row)
        for i in (8, 9, 10):
            if row[i] is not None:
                row[i] = row[i].astimezone(tz).replace(tzinfo=None)
        for i in range(16, len(row)):
            row[i] = round(row[i] / 86400, 3) if row[i] is not None else None
        return row

    return header, (convert(row) for row in qs.iterator(chunk_size=2000))


def bookings_xlsx(params: ReportParams) -> bytes:
    header, rows = bookings_rows(params)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Requests")[:31])
    sheet.append([str(c) for c in header])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bookings_csv(params: ReportParams) -> bytes:
    header, rows = bookings_rows(params)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c) for c in header])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")

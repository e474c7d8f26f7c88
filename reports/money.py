"""The money and materials report: income, outstanding balances, subsidy given, material used.

Every figure is an aggregate computed by the database (a handful of grouped queries whatever the data):
- income: the ledger's net amount (payments less refunds, reversals included) of the days in the period,
  per month, per service and per payment method;
- outstanding: for open requests with a current quotation, its total less what the ledger holds;
- subsidy: the subsidy of the current quotations of requests verified in the period (not rejected or
  cancelled), per regency/city, sector, business scale and owner's gender;
- materials: what production consumed in the period, quantity and value (quantity × the cost per unit
  recorded on the move), per material.
"""
from __future__ import annotations

import csv
import re
import datetime
import io

from django.db.models import BigIntegerField, Count, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import Business
from bookings.workflow import Status
from materials.models import StockMove
from payments.models import LedgerEntry, Method, Quotation
from reports.charts import grouped_bars, horizontal_bars
from reports.metrics import ReportParams, scope


def _ledger(params: ReportParams):
    qs = LedgerEntry.objects.filter(business_day__gte=params.start, business_day__lte=params.end)
    if params.service_id:
        qs = qs.filter(booking__service_id=params.service_id)
    if params.district_id:
        qs = qs.filter(booking__business__district_id=params.district_id)
    return qs


def income(params: ReportParams) -> dict:
    qs = _ledger(params)
    by_month = [
        {"month": row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"], "total": row["total"]}
        for row in qs.annotate(month=TruncMonth("business_day")).values("month").annotate(total=Sum("amount")).order_by("month")
    ]
    by_service = [
        {"label": row["booking__service__name"], "total": row["total"], "entries": row["entries"]}
        for row in qs.values("booking__service__name").annotate(total=Sum("amount"), entries=Count("id")).order_by("-total")
    ]
    methods = {row["method"]: row["total"] for row in qs.values("method").annotate(total=Sum("amount"))}
    by_method = [{"label": Method(m).label, "total": methods.get(m, 0)} for m in Method.values]
    kinds = {row["kind"]: row["total"] for row in qs.values("kind").annotate(total=Sum("amount"))}
    return {
        "total": sum(methods.values()),
        "payments": kinds.get(LedgerEntry.Kind.PAYMENT, 0),
        "refunds": -kinds.get(LedgerEntry.Kind.REFUND, 0),
        "reversals": kinds.get(LedgerEntry.Kind.REVERSAL, 0),
        "by_month": by_month,
        "by_service": by_service,
        "by_method": by_method,
    }


def outstanding(params: ReportParams) -> dict:
    """Open requests (of the service/district chosen) whose current quotation is not paid in full."""
    paid = (
        LedgerEntry.objects.filter(booking=OuterRef("booking")).values("booking").annotate(total=Sum("amount")).values("total")
    )
    quotations = (
        Quotation.objects.exclude(state=Quotation.State.SUPERSEDED)
        .filter(booking__in=scope(params).exclude(status__in=(Status.REJECTED, Status.CANCELLED)))
        .annotate(paid=Coalesce(Subquery(paid), Value(0)))
        .annotate(balance=F("total") - F("paid"))
        .filter(balance__gt=0)
    )
    row = quotations.aggregate(total=Sum("balance"), requests=Count("id"))
    top = list(quotations.select_related("booking__business").order_by("-balance", "booking__code")[:20])
    return {"total": row["total"] or 0, "requests": row["requests"], "top": top}


def subsidy(params: ReportParams) -> dict:
    quotations = Quotation.objects.exclude(state=Quotation.State.SUPERSEDED).filter(
        subsidy__gt=0,
        booking__in=scope(params).filter(verified_at__gte=params.start_at, verified_at__lt=params.end_at)
        .exclude(status__in=(Status.REJECTED, Status.CANCELLED)),
    )

    def grouped(field: str, labels: dict | None = None) -> list[dict]:
        rows = quotations.values(field).annotate(total=Sum("subsidy"), requests=Count("id"), umkm=Count("booking__business", distinct=True))
        result = [
            {"label": (labels or {}).get(row[field], row[field]) or _("Not recorded"), "total": row["total"],
             "requests": row["requests"], "umkm": row["umkm"]}
            for row in rows
        ]
        return sorted(result, key=lambda r: (-r["total"], str(r["label"])))

    row = quotations.aggregate(total=Sum("subsidy"), requests=Count("id"))
    return {
        "total": row["total"] or 0,
        "requests": row["requests"],
        "district": grouped("booking__business__district__name"),
        "sector": grouped("booking__business__sector", dict(Business.Sector.choices)),
        "scale": grouped("booking__business__scale", dict(Business.Scale.choices)),
        "gender": grouped("booking__business__owner_gender", dict(Business.Gender.choices)),
    }


def materials_used(params: ReportParams) -> dict:
    moves = StockMove.objects.filter(kind=StockMove.Kind.CONSUME, created_at__gte=params.start_at, created_at__lt=params.end_at)
    if params.service_id:
        moves = moves.filter(booking__service_id=params.service_id)
    if params.district_id:
        moves = moves.filter(booking__business__district_id=params.district_id)
    rows = (
        moves.values("material__name", "material__unit")
        .annotate(used=Sum("quantity"), worth=Sum(F("quantity") * F("unit_cost"), output_field=BigIntegerField()))
        .order_by("material__name")
    )
    lines = [{"label": r["material__name"], "unit": r["material__unit"], "quantity": -r["used"], "value": -r["worth"]} for r in rows]
    return {"lines": lines, "value": sum(line["value"] for line in lines)}


def build(params: ReportParams) -> dict:
    return {
        "params": params,
        "income": income(params),
        "outstanding": outstanding(params),
        "subsidy": subsidy(params),
        "materials": materials_used(params),
    }


def charts(report: dict) -> dict:
    return {
        "income_months": grouped_bars([(m["month"].strftime("%m/%Y"), [m["total"]]) for m in report["income"]["by_month"]]),
        "income_methods": horizontal_bars([(str(m["label"]), m["total"]) for m in report["income"]["by_method"]]),
        "income_services": horizontal_bars([(str(s["label"]), s["total"]) for s in report["income"]["by_service"]]),
        "subsidy_districts": horizontal_bars([(str(r["label"]), r["total"]) for r in report["subsidy"]["district"]]),
        "materials": horizontal_bars([(str(r["label"]), r["value"]) for r in report["materials"]["lines"]]),
    }


def tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    inc, sub, out = report["income"], report["subsidy"], report["outstanding"]
    p = report["params"]
    summary = [
        [_("Period from"), p.start], [_("Period until"), p.end],
        [_("Income, net (Rp)"), inc["total"]], [_("Payments (Rp)"), inc["payments"]], [_("Refunds (Rp)"), inc["refunds"]],
        [_("Corrections (Rp)"), inc["reversals"]],
        [_("Outstanding (Rp)"), out["total"]], [_("Requests with a balance"), out["requests"]],
        [_("Subsidy given (Rp)"), sub["total"]], [_("Subsidised requests"), sub["requests"]],
        [_("Material used, value (Rp)"), report["materials"]["value"]],
    ]
    group_columns = [_("Group"), _("Subsidy (Rp)"), _("Requests"), _("UMKM")]

    def group_rows(rows):
        return [[str(r["label"]), r["total"], r["requests"], r["umkm"]] for r in rows]

    return [
        (_("Summary"), [_("Measure"), _("Value")], summary),
        (_("Income by month"), [_("Month"), _("Income (Rp)")], [[m["month"], m["total"]] for m in inc["by_month"]]),
        (_("Income by service"), [_("Service"), _("Income (Rp)"), _("Entries")],
         [[r["label"], r["total"], r["entries"]] for r in inc["by_service"]]),
        (_("Income by method"), [_("Method"), _("Income (Rp)")], [[str(r["label"]), r["total"]] for r in inc["by_method"]]),
        (_("Outstanding"), [_("Request"), _("Business"), _("Total (Rp)"), _("Paid (Rp)"), _("Outstanding (Rp)")],
         [[q.booking.code, q.booking.business.name, q.total, q.paid, q.balance] for q in out["top"]]),
        (_("Subsidy by regency or city"), group_columns, group_rows(sub["district"])),
        (_("Subsidy by sector"), group_columns, group_rows(sub["sector"])),
        (_("Subsidy by business scale"), group_columns, group_rows(sub["scale"])),
        (_("Subsidy by owner's gender"), group_columns, group_rows(sub["gender"])),
        (_("Material used"), [_("Material"), _("Unit"), _("Quantity"), _("Value (Rp)")],
         [[r["label"], r["unit"], r["quantity"], r["value"]] for r in report["materials"]["lines"]]),
    ]


def to_xlsx(report: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows in tables(report):
        sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31])
        sheet.append([str(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([str(v) if isinstance(v, Promise) else v for v in row])
        for cell in sheet["A"]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(report: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Table"), _("Row"), _("Column"), _("Value")])
    for title, columns, rows in tables(report):
        for row in rows:
            for column, value in zip(columns[1:], row[1:]):
                writer.writerow([str(title), str(row[0]), str(column), "" if value is None else value])
    return out.getvalue().encode("utf-8-sig")

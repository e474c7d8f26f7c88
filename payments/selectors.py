"""Reads of the money side that feed pages."""
from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Business
from bookings.selectors import visible_bookings
from payments import services
from payments.models import DayClose, LedgerEntry, Method, PaymentRule, Quotation, QuotaUse, TransferClaim


def booking_for_money(user, code: str):
    """A booking the user may see (an owner their own: 404 otherwise), with what money pages show."""
    return get_object_or_404(visible_bookings(user).select_related("service", "business__owner", "business__district"), code=code)


def booking_money(user, booking) -> dict:
    """The money panel of a booking: 4 queries (rule, current quotation, ledger entries, transfer proofs)."""
    rule = services.rule_for(booking.service)
    quotation = booking.quotations.exclude(state=Quotation.State.SUPERSEDED).first()
    entries = list(LedgerEntry.objects.filter(booking=booking).select_related("recorded_by").order_by("recorded_at", "id"))
    paid = sum(entry.amount for entry in entries)
    due = quotation.total if quotation else 0
    is_own = booking.business.owner_id == user.pk
    return {
        "booking": booking,
        "rule": rule,
        "quotation": quotation,
        "due": due,
        "paid": paid,
        "outstanding": max(due - paid, 0),
        "required_before_start": rule.required_before_start(due),
        "entries": entries,
        "claims": list(TransferClaim.objects.filter(booking=booking).select_related("decided_by").order_by("-submitted_at")),
        "is_own": is_own,
        "may_handle_money": services.may_handle_money(user),
        "acts_for_office": user.acts_for_office,
        "billing_code": f"{rule.billing_prefix}{booking.code}" if rule.payee == PaymentRule.Payee.LEVY else "",
    }


def entry_for_user(user, public_id) -> LedgerEntry:
    """A ledger entry (receipt) the user may see: the owner's own, or the office's."""
    qs = LedgerEntry.objects.select_related("booking__business__owner", "booking__business__district", "booking__service",
                                            "recorded_by")
    if not user.is_office:
        qs = qs.filter(booking__business__owner=user)
    return get_object_or_404(qs, public_id=public_id)


def claim_for_user(user, public_id) -> TransferClaim:
    qs = TransferClaim.objects.select_related("booking__business")
    if not user.is_office:
        qs = qs.filter(booking__business__owner=user)
    return get_object_or_404(qs, public_id=public_id)


def desk(day: datetime.date) -> dict:
    """The treasurer's desk: transfers to confirm, the day's entries and totals, whether it is closed."""
    entries = list(
        LedgerEntry.objects.filter(business_day=day).select_related("booking", "recorded_by").order_by("recorded_at", "id")
    )
    totals: dict[str, int] = defaultdict(int)
    for entry in entries:
        totals[entry.method] += entry.amount
    return {
        "day": day,
        "pending": list(TransferClaim.objects.filter(state=TransferClaim.State.PENDING)
                        .select_related("booking__business").order_by("submitted_at")[:50]),
        "entries": entries,
        "totals": [(Method(m).label, totals.get(m, 0)) for m in Method.values],
        "total": sum(totals.values()),
        "closing": DayClose.objects.filter(day=day).select_related("closed_by").first(),
    }


def cash_book(*, year: int, month: int | None = None) -> dict:
    """The cash book of a year (or a month): per day, the sum per method and the day's total.

    One aggregate over the ledger grouped by day and method (the (business_day, method) index serves
    it), one query for the closed days.
    """
    start = datetime.date(year, month or 1, 1)
    end = datetime.date(year + (month or 12) // 12, (month or 12) % 12 + 1, 1)
    rows = (
        LedgerEntry.objects.filter(business_day__gte=start, business_day__lt=end)
        .values("business_day", "method").annotate(total=Sum("amount"), count=Count("id")).order_by("business_day")
    )
    days: dict[datetime.date, dict] = {}
    sums = {m: 0 for m in Method.values}
    for row in rows:
        day = days.setdefault(row["business_day"], {"day": row["business_day"], "by_method": {m: 0 for m in Method.values},
                                                     "count": 0, "total": 0})
        day["by_method"][row["method"]] += row["total"]
        day["count"] += row["count"]
        day["total"] += row["total"]
        sums[row["method"]] += row["total"]
    closed = set(DayClose.objects.filter(day__gte=start, day__lt=end).values_list("day", flat=True))
    lines = []
    for day in days.values():
        day["closed"] = day["day"] in closed
        day["columns"] = [day["by_method"][m] for m in Method.values]
        lines.append(day)
    return {
        "year": year, "month": month, "lines": lines, "methods": [Method(m).label for m in Method.values],
        "sums": [sums[m] for m in Method.values], "total": sum(sums.values()),
    }


def quotas_for_owner(user) -> list[dict]:
    """For each of the owner's businesses and each service with a quota: used and remaining this year."""
    year = timezone.localdate().year
    rules = list(PaymentRule.objects.filter(Q(quota_units__isnull=False) | Q(quota_requests__isnull=False))
                 .select_related("service").filter(service__is_active=True).order_by("service__sort_order"))
    businesses = list(Business.objects.filter(owner=user).order_by("name"))
    used = {
        (row["business_id"], row["service_id"]): row
        for row in QuotaUse.objects.filter(business__in=businesses, year=year, released=False)
        .values("business_id", "service_id").annotate(units=Sum("units"), requests=Count("id"))
    }
    result = []
    for business in businesses:
        lines = []
        for rule in rules:
            row = used.get((business.pk, rule.service_id), {"units": 0, "requests": 0})
            lines.append({
                "service": rule.service, "subsidy_percent": rule.subsidy_percent,
                "quota_requests": rule.quota_requests, "used_requests": row["requests"],
                "left_requests": None if rule.quota_requests is None else max(rule.quota_requests - row["requests"], 0),
                "quota_units": rule.quota_units, "used_units": row["units"] or 0,
                "left_units": None if rule.quota_units is None else max(rule.quota_units - (row["units"] or 0), 0),
            })
        result.append({"business": business, "lines": lines})
    return {"year": year, "businesses": result}

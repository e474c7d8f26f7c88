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


METHODS = tuple(Method.values)  # computed once: the enum rebuilds the list on every access


def cash_book(*, year: int, month: int | None = None) -> dict:
    """The cash book of a month (per day) or of a year (per month): the sum per method and the total.

    Closed days come from their closing rows (kept when the day closed; a closed day cannot change);
    only open days are summed from the ledger, in one aggregate grouped by day and method that the
    (business_day, method, amount) index covers. Two queries whatever the number of entries.
    """
    start = datetime.date(year, month or 1, 1)
    end = datetime.date(year + (month or 12) // 12, (month or 12) % 12 + 1, 1)
    empty = {m: 0 for m in METHODS}
    days: dict[datetime.date, dict] = {}
    closings = DayClose.objects.filter(day__gte=start, day__lt=end).values_list("day", "totals", "entries")
    for day, totals, entries in closings:
        days[day] = {"day": day, "by_method": {**empty, **{m: int(v) for m, v in totals.items() if m in empty}},
                     "count": entries, "closed": True}
    entries = LedgerEntry.objects.filter(business_day__gte=start, business_day__lt=end)
    if days:  # some days are closed: sum only the open ones, each an index range of its own
        calendar = (start + datetime.timedelta(days=n) for n in range((end - start).days))
        entries = LedgerEntry.objects.filter(business_day__in=[day for day in calendar if day not in days])
    rows = entries.values("business_day", "method").annotate(total=Sum("amount"), count=Count("*")).order_by()
    for row in rows:
        day = days.setdefault(row["business_day"], {"day": row["business_day"], "by_method": dict(empty), "count": 0,
                                                     "closed": False})
        day["by_method"][row["method"]] += row["total"]
        day["count"] += row["count"]
    sums = dict(empty)
    lines = []
    for day in sorted(days.values(), key=lambda d: d["day"]):
        if not day["count"]:
            continue
        for m in METHODS:
            sums[m] += day["by_method"][m]
        if month is None:  # the year: one line per month (its days are a click away)
            first = day["day"].replace(day=1)
            if not lines or lines[-1]["day"] != first:
                lines.append({"day": first, "by_method": dict(empty), "count": 0, "closed": True, "is_month": True})
            line = lines[-1]
            for m in METHODS:
                line["by_method"][m] += day["by_method"][m]
            line["count"] += day["count"]
            line["closed"] = line["closed"] and day["closed"]
        else:
            lines.append(day)
    for line in lines:
        line["columns"] = [line["by_method"][m] for m in METHODS]
        line["total"] = sum(line["columns"])
    return {
        "year": year, "month": month, "lines": lines, "methods": [Method(m).label for m in METHODS],
        "sums": [sums[m] for m in METHODS], "total": sum(sums.values()),
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

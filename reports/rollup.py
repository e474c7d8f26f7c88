"""The report's roll-up: ``BookingFact`` (one row per booking) and ``StageFact`` (one row per stage time of
a completed booking), kept equal to what the bookings and their events say.

Why: the year's report read every booking and event of the year, joined to businesses, and sorted
~500,000 stage times for its medians (35× a bare ``count(*)`` on PostgreSQL at 100,000 bookings). The
facts hold exactly the columns the report filters and groups on, with the derived values (local closing
day, lead time in days, revision rounds) computed once by the same SQL expressions the live path uses,
so ``reports.metrics`` reads them with the same code and gets the same answers (``build(source="live")``
keeps the reference path; tests/reports/test_rollup.py compares both on SQLite and PostgreSQL).

What is *not* copied: the business's district, sector, scale and gender, the service's and the staff
member's names. They are joined at read time (a few thousand rows at most), so editing a business or a
service can never leave a stale copy behind, and accounts needs no hook.

How it stays current — three ways, one function:
- ``refresh(booking_ids)`` recomputes the facts of those bookings from the source tables: lock the
  bookings, delete their facts, ``INSERT … SELECT`` them again (5 queries whatever the number of
  bookings). It runs *inside the transaction* that changes a booking: ``bookings.events.record`` (the
  one place history is written, and every service that changes a field the report reads records an
  event after saving) fires ``bookings.hooks.changed``, which ``ReportsConfig.ready`` fills with it.
  Deleting a booking deletes its facts by cascade.
- ``rebuild()`` recomputes every fact (the same ``INSERT … SELECT`` over all bookings). Whatever writes
  bookings or events in bulk, outside the services, calls it: ``seed_demo --bookings N`` (the demo and
  benchmark generator), the migration that created the tables, ``manage.py rebuild_report_facts``.
- ``check(repair=True)`` compares the facts with the source row by row (``EXCEPT`` both ways on the very
  SELECT that ``refresh`` inserts, so "equal" means equal in every column), refreshes the bookings that
  differ and logs them. The beat task ``reports.tasks.check_report_facts`` runs it every night: a write
  that bypassed the services (a shell, a future bulk script) is repaired within a day and leaves a
  warning in the log.

"Cannot drift" is therefore: the facts are a pure function of the source rows (``_booking_rows`` /
``_stage_rows``), written in the same transaction as the change; tests/reports/test_rollup.py walks every
kind of service's path through the services and asserts ``check()`` finds nothing after each step, asserts
that each write path fires the hook, and that ``check`` repairs a hand-made difference.
"""
from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from bookings.models import Booking, BookingEvent
from bookings.workflow import Action, Status
from reports.dbfunctions import DaysBetween, LocalDate
from reports.models import BookingFact, StageFact

logger = logging.getLogger(__name__)

BOOKING_COLUMNS = [
    "booking_id", "business_id", "product_id", "service_id", "assignee_id", "channel", "status", "submitted_at",
    "verified_at", "closed_at", "closed_day", "due_date", "lead_days", "quantity_produced", "estimated_cost",
    "revisions",
]
STAGE_COLUMNS = [
    "event_id", "booking_id", "business_id", "service_id", "assignee_id", "channel", "closed_at", "from_status",
    "stage_seconds", "stage_days",
]


def _select(queryset, expressions: dict):
    """``queryset`` selecting exactly ``expressions`` as columns c0, c1, … in this order."""
    aliases = {f"c{i}": expression for i, expression in enumerate(expressions.values())}
    return queryset.annotate(**aliases).values_list(*aliases)


def _booking_rows(queryset):
    """The BookingFact rows of the bookings in ``queryset``, as the report defines them."""
    revisions = (
        BookingEvent.objects.filter(booking=OuterRef("pk"), action=Action.REQUEST_REVISION)
        .order_by().values("booking").annotate(n=Count("pk")).values("n")
    )
    return _select(queryset.order_by(), {
        "booking_id": F("pk"), "business_id": F("business_id"), "product_id": F("product_id"),
        "service_id": F("service_id"), "assignee_id": F("assignee_id"), "channel": F("channel"),
        "status": F("status"), "submitted_at": F("submitted_at"), "verified_at": F("verified_at"),
        "closed_at": F("closed_at"), "closed_day": LocalDate("closed_at"), "due_date": F("due_date"),
        "lead_days": DaysBetween(F("closed_at"), F("submitted_at")), "quantity_produced": F("quantity_produced"),
        "estimated_cost": F("estimated_cost"),
        "revisions": Coalesce(Subquery(revisions, output_field=IntegerField()), Value(0)),
    })


def _stage_rows(events):
    """The StageFact rows of ``events``: those with a stage time, of completed bookings."""
    return _select(events.filter(booking__status=Status.DONE, stage_seconds__isnull=False).order_by(), {
        "event_id": F("pk"), "booking_id": F("booking_id"), "business_id": F("booking__business_id"),
        "service_id": F("booking__service_id"), "assignee_id": F("booking__assignee_id"),
        "channel": F("booking__channel"), "closed_at": F("booking__closed_at"), "from_status": F("from_status"),
        "stage_seconds": F("stage_seconds"), "stage_days": Cast(F("stage_seconds") / 86400.0, FloatField()),
    })


def _fact_rows(model, columns):
    return model.objects.order_by().values_list(*columns)


def _insert(model, columns, rows) -> None:
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {sql}", params)


def refresh(booking_ids) -> None:
    """Recompute the facts of these bookings from the source, in the caller's transaction (5 queries)."""
    ids = sorted(set(booking_ids))
    if not ids:
        return
    with transaction.atomic():
        # Lock the bookings (already locked by the service that changed them, except the design a print
        # request follows): two transactions refreshing one booking then take turns.
        list(Booking.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        BookingFact.objects.filter(booking_id__in=ids).delete()
        StageFact.objects.filter(booking_id__in=ids).delete()
        _insert(BookingFact, BOOKING_COLUMNS, _booking_rows(Booking.objects.filter(pk__in=ids)))
        _insert(StageFact, STAGE_COLUMNS, _stage_rows(BookingEvent.objects.filter(booking_id__in=ids)))


def rebuild() -> dict[str, int]:
    """Recompute every fact from the source (after bulk writes that bypassed the services)."""
    with transaction.atomic():
        StageFact.objects.all().delete()
        BookingFact.objects.all().delete()
        _insert(BookingFact, BOOKING_COLUMNS, _booking_rows(Booking.objects.all()))
        _insert(StageFact, STAGE_COLUMNS, _stage_rows(BookingEvent.objects.all()))
    return {"bookings": BookingFact.objects.count(), "stages": StageFact.objects.count()}


def differences() -> set[int]:
    """Ids of the bookings whose facts differ from what the source says (missing, extra or changed)."""
    expected = _booking_rows(Booking.objects.all())
    actual = _fact_rows(BookingFact, BOOKING_COLUMNS)
    stages_expected = _stage_rows(BookingEvent.objects.all())
    stages_actual = _fact_rows(StageFact, STAGE_COLUMNS)
    ids = set()
    for left, right in ((expected, actual), (actual, expected)):
        ids |= {row[0] for row in left.difference(right)}
    for left, right in ((stages_expected, stages_actual), (stages_actual, stages_expected)):
        ids |= {row[1] for row in left.difference(right)}
    return ids


def check(*, repair: bool = True) -> set[int]:
    """Compare the facts with the source; refresh and log the bookings that differ. Returns their ids."""
    ids = differences()
    if ids:
        logger.warning("report facts differed from the bookings for %d booking(s): %s", len(ids), sorted(ids)[:50])
        if repair:
            existing = set(Booking.objects.filter(pk__in=ids).values_list("pk", flat=True))
            with transaction.atomic():
                BookingFact.objects.filter(booking_id__in=ids - existing).delete()
                StageFact.objects.filter(booking_id__in=ids - existing).delete()
                refresh(existing)
    return ids

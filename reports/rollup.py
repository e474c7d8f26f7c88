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

How it stays current — a mark in the writer's transaction, a refresh before every read:
- ``mark(booking_ids)`` records the bookings as dirty (``DirtyBooking``): one upsert, whatever the number
  of bookings, *inside the transaction* that changes them, so the mark commits or rolls back with the
  change. ``bookings.events.record`` (the one place history is written; every service that changes a
  field the report reads records an event after saving) fires ``bookings.hooks.changed``, which
  ``ReportsConfig.ready`` fills with it. A write pays one query per event it records, not a refresh.
- ``refresh_dirty()`` recomputes the facts of the dirty bookings and clears their marks in one short
  transaction (6 queries whatever the number of marks, up to ``BATCH`` a transaction; 1 when nothing is
  dirty). ``reports.metrics.build`` runs it before it reads the facts (the page, the exports, the
  scheduled export task all go through ``build``), so the report is exact at read time; the beat task
  ``reports.tasks.refresh_report_facts`` runs it every minute so a read normally finds little to do.
  Deleting a booking deletes its facts by cascade; its mark, if any, refreshes to nothing.
- ``rebuild()`` recomputes every fact (the same ``INSERT … SELECT`` over all bookings). Whatever writes
  bookings or events in bulk, outside the services, calls it: ``seed_demo --bookings N`` (the demo and
  benchmark generator), ``benchmarks/money.py``, ``manage.py rebuild_report_facts``, and ``migrate``
  itself: after migrating, ``build_missing()`` (a ``post_migrate`` receiver, reports/apps.py) rebuilds
  when bookings exist and no fact does — an upgrade to the version that brought the roll-up. A later
  change of the facts' shape empties them in its migration, and ``migrate`` then rebuilds them with the
  code of that version (a data migration that called today's ``rebuild`` would break once the
  schema moved on).
- ``check(repair=True)`` compares the facts with the source row by row (``EXCEPT`` both ways on the very
  SELECT that ``refresh`` inserts, so "equal" means equal in every column), marks and refreshes the
  bookings that differ and logs them. The beat task ``reports.tasks.check_report_facts`` runs it every
  night: a write that bypassed the services (a shell, a future bulk script) is repaired within a day and
  leaves a warning in the log.

Concurrency (PostgreSQL, READ COMMITTED — Django's default; SQLite serialises writers, so none of this
arises there). The invariant: *a booking whose committed source differs from its facts has a committed
mark, or a mark held by a refresher that will write its facts*. Three rules keep it:
1. The writer marks with ``INSERT … ON CONFLICT (booking_id) DO UPDATE SET marked_at = …``, not ``DO
   NOTHING``: an upsert that meets an existing mark *locks* that row until the writer commits, where
   DO NOTHING would leave it unlocked. Otherwise: a mark from an earlier write exists; a writer changes
   the booking and its DO NOTHING is a no-op; a refresher takes the mark, reads the source (the writer has
   not committed), deletes the mark; the writer commits — a change with no mark, lost until the nightly
   check. With the upsert, either the refresher's ``SELECT … FOR UPDATE SKIP LOCKED`` skips the mark the
   writer holds (it stays for the next refresh), or the writer waits for the refresher, which deletes the
   row, and then inserts a fresh mark (ON CONFLICT re-checks after the wait). A brand-new mark of an
   uncommitted writer is invisible to the refresher and survives it.
2. The refresher takes the marks in one statement (``SELECT … FOR UPDATE SKIP LOCKED``) and reads the
   source in later statements, each with a new snapshot: every writer whose mark it took has committed
   before the lock was granted (a writer's upsert lock lasts to its commit), so the refresh sees that
   writer's change. (One statement that both takes the marks and reads the source would read with a
   snapshot older than the locks: a writer committing in between would be missed and its mark deleted.)
3. The refresher deletes exactly the ids it took (it still holds their locks, so no one re-marked them in
   between), never "all marks". Two refreshers therefore take disjoint sets (SKIP LOCKED) and write the
   facts of disjoint bookings. ``refresh`` no longer locks the bookings: a writer holds its booking and
   may wait for a mark the refresher holds, and the refresher must not wait for the booking in turn.
   ``rebuild`` takes ``EXCLUSIVE`` locks on the two fact tables (readers go on; refreshers wait), takes the
   unlocked marks, recomputes everything and deletes the marks it took.

"Cannot drift" is therefore: the facts are a pure function of the source rows (``_booking_rows`` /
``_stage_rows``), and every change to a booking marks it in its own transaction; the reader refreshes
what is marked before it reads. tests/reports/test_rollup.py walks every kind of service's path through
the services and asserts that each step marked its booking and that after the read path's refresh the
facts equal the source, that a write costs exactly one query for the roll-up, that the refresh costs the
same queries for one or many marks, that a mark rolls back with its transaction, and that ``check``
repairs a hand-made difference.
"""
from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from bookings.workflow import Action, Status
from reports.dbfunctions import DaysBetween, LocalDate
from reports.models import BookingFact, DirtyBooking, StageFact

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
    # A join and a count per booking, not a subquery per booking: with stale statistics (right after a
    # bulk load) PostgreSQL ran the subquery as a BitmapAnd with the (action, created_at) index, reading
    # every revision event once per booking — hours at 1,000,000 bookings instead of seconds.
    revisions = Count("events", filter=Q(events__action=Action.REQUEST_REVISION))
    return _select(queryset.order_by(), {
        "booking_id": F("pk"), "business_id": F("business_id"), "product_id": F("product_id"),
        "service_id": F("service_id"), "assignee_id": F("assignee_id"), "channel": F("channel"),
        "status": F("status"), "submitted_at": F("submitted_at"), "verified_at": F("verified_at"),
        "closed_at": F("closed_at"), "closed_day": LocalDate("closed_at"), "due_date": F("due_date"),
        "lead_days": DaysBetween(F("closed_at"), F("submitted_at")), "quantity_produced": F("quantity_produced"),
        "estimated_cost": F("estimated_cost"),
        "revisions": revisions,
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


# Marks refreshed per transaction: keeps the id lists within every backend's parameter limit.
BATCH = 5000


def mark(booking_ids) -> None:
    """The ``bookings.hooks.changed`` hook: mark these bookings dirty, in the caller's transaction (one
    query). An upsert, not DO NOTHING: see the module's docstring, rule 1."""
    ids = sorted(set(booking_ids))
    if not ids:
        return
    now = timezone.now()
    DirtyBooking.objects.bulk_create(
        [DirtyBooking(booking_id=pk, marked_at=now) for pk in ids],
        update_conflicts=True, unique_fields=["booking_id"], update_fields=["marked_at"],
    )


def refresh(booking_ids) -> None:
    """Recompute the facts of these bookings from the source (4 queries whatever their number). The caller
    holds their marks (``refresh_dirty``) or the fact tables (``rebuild``); bookings that no longer exist
    are left with no facts."""
    ids = sorted(set(booking_ids))
    if not ids:
        return
    BookingFact.objects.filter(booking_id__in=ids).delete()
    StageFact.objects.filter(booking_id__in=ids).delete()
    _insert(BookingFact, BOOKING_COLUMNS, _booking_rows(Booking.objects.filter(pk__in=ids)))
    _insert(StageFact, STAGE_COLUMNS, _stage_rows(BookingEvent.objects.filter(booking_id__in=ids)))


def _take_marks(limit=None) -> list[int]:
    """Lock the marks no one else holds (a writer that has not committed, another refresher)."""
    marks = DirtyBooking.objects.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
    return list(marks[:limit] if limit else marks)


def _clear_marks(ids) -> None:
    for first in range(0, len(ids), BATCH):
        DirtyBooking.objects.filter(pk__in=ids[first:first + BATCH]).delete()


def refresh_dirty() -> int:
    """Refresh the dirty bookings and clear their marks; returns how many. The report's read path and the
    beat task call it. One short transaction per ``BATCH`` marks: take them (1), refresh (4), clear (1)."""
    done = 0
    while True:
        with transaction.atomic():
            ids = _take_marks(BATCH)
            if ids:
                refresh(ids)  # reads the source after the marks were taken: see the docstring, rule 2
                _clear_marks(ids)  # only these: rule 3
        done += len(ids)
        if len(ids) < BATCH:
            return done


def _lock_facts() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {BookingFact._meta.db_table}, {StageFact._meta.db_table} IN EXCLUSIVE MODE"
            )


def rebuild() -> dict[str, int]:
    """Recompute every fact from the source (after bulk writes that bypassed the services), and clear the
    marks no writer holds."""
    with transaction.atomic():
        _lock_facts()
        taken = _take_marks()
        StageFact.objects.all().delete()
        BookingFact.objects.all().delete()
        _insert(BookingFact, BOOKING_COLUMNS, _booking_rows(Booking.objects.all()))
        _insert(StageFact, STAGE_COLUMNS, _stage_rows(BookingEvent.objects.all()))
        _clear_marks(taken)
    return {"bookings": BookingFact.objects.count(), "stages": StageFact.objects.count()}


def build_missing(*, using: str = "default") -> bool:
    """Rebuild when bookings exist but no fact does (after ``migrate``); True when it rebuilt."""
    if BookingFact.objects.using(using).exists() or not Booking.objects.using(using).exists():
        return False
    rebuild()
    return True


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
    """Compare the facts with the source; log, mark and refresh the bookings that differ. Returns their ids.

    The marks are refreshed first, and bookings marked again while the comparison ran (a write committed in
    between) are left out: their facts are due to be refreshed anyway, they did not drift."""
    refresh_dirty()
    ids = differences()
    ids -= set(DirtyBooking.objects.values_list("pk", flat=True))
    if ids:
        logger.warning("report facts differed from the bookings for %d booking(s): %s", len(ids), sorted(ids)[:50])
        if repair:
            with transaction.atomic():
                mark(ids)
            refresh_dirty()
    return ids

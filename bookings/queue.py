"""The queue of each service: positions and estimated start and finish dates.

Order inside a service: priority (higher first), then time of verification, then id. Estimates
count working days (bookings.calendar), the service's daily capacity, the units ahead (work in
progress plus queued bookings before this one) and the processing time: the sum of the measured
median time per stage once enough bookings of the service are completed, else the service's lead
time. ``recompute`` runs in a Celery task after every change that moves a queue; pages only read
the stored values.

Positions never repeat or skip: the service row is locked while a queue is renumbered, the old
positions are cleared before new ones are written, and a unique constraint on
(service, queue_position) backs it up.
"""
from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bookings import hooks, notices, tasks
from bookings.calendar import add_working_days, holidays_from, is_working_day, working_days_between
from bookings.models import Booking, BookingEvent, Service
from bookings.workflow import IN_PROGRESS, PATHS, Status
from core.tasks import enqueue_after_commit

QUEUE_ORDER = ("-priority", "verified_at", "id")
# How many recently completed bookings of a service the stage medians are measured on, and how
# many are needed before the measurement replaces the service's stated lead time.
HISTORY_SAMPLE = 200
HISTORY_MINIMUM = 5


def stage_medians(service: Service) -> dict[str, float]:
    """Median working days spent in each stage by the service's recently completed bookings."""
    recent = list(
        Booking.objects.filter(service=service, status=Status.DONE)
        .order_by("-closed_at")
        .values_list("pk", flat=True)[:HISTORY_SAMPLE]
    )
    if len(recent) < HISTORY_MINIMUM:
        return {}
    events = BookingEvent.objects.filter(booking_id__in=recent).order_by("booking_id", "created_at", "id")
    rows = events.values_list("booking_id", "to_status", "created_at")
    first = min((created for _b, _s, created in rows), default=None)
    holidays = holidays_from(timezone.localdate(first)) if first else frozenset()
    spent: dict[str, list[int]] = defaultdict(list)
    previous: dict[int, tuple[str, datetime.datetime]] = {}
    for booking_id, to_status, created in rows:
        if booking_id in previous:
            stage, entered = previous[booking_id]
            spent[stage].append(
                working_days_between(timezone.localdate(entered), timezone.localdate(created), holidays)
            )
        previous[booking_id] = (to_status, created)
    return {stage: statistics.median(values) for stage, values in spent.items()}


def processing_days(service: Service, medians: dict[str, float] | None = None) -> int:
    """Working days from leaving the queue until the work is ready."""
    medians = stage_medians(service) if medians is None else medians
    path = PATHS[service.workflow]
    after_queue = path[path.index(Status.QUEUED) + 1 :]
    stages = [s for s in after_queue if s not in (Status.READY, Status.DONE)]
    if medians and all(stage in medians for stage in stages):
        return max(1, math.ceil(sum(medians[stage] for stage in stages)))
    return service.lead_time_days


# An estimate moves earlier only by more than this many working days: small gains are kept back so
# that the date an owner was shown does not flicker between two days as work moves around the queue.
# A later date is always shown (and, by a working day or more, told to the owner).
STEADY_WORKING_DAYS = 1


def steady(old: datetime.date | None, new: datetime.date, *, today: datetime.date, holidays) -> datetime.date:
    """The estimate to show: ``new``, unless it is only a little earlier than a still-future ``old``."""
    if old is None or old < today or new >= old:
        return new
    return old if working_days_between(new, old, holidays) <= STEADY_WORKING_DAYS else new


def first_working_day(day: datetime.date, holidays) -> datetime.date:
    while not is_working_day(day, holidays):
        day += datetime.timedelta(days=1)
    return day


def recompute(service_id: int, *, today: datetime.date | None = None, notify: bool = True) -> int:
    """Renumber the queue of one service and refresh its estimates. Returns the queue length.

    With ``notify`` (the default) owners hear of reaching position 3 or of a slipping date; generated
    data sets (bookings.demo) pass False.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service_id)
        processing = processing_days(service)
        holidays = holidays_from(today)
        queued = list(
            Booking.objects.filter(service=service, status=Status.QUEUED)
            .order_by(*QUEUE_ORDER)
            .select_related("business__owner", "service")
        )
        before = {b.pk: (b.queue_position, b.estimated_finish) for b in queued}
        ahead = (
            Booking.objects.filter(service=service, status__in=IN_PROGRESS).aggregate(units=Sum("quantity"))["units"] or 0
        )
        Booking.objects.filter(service=service, queue_position__isnull=False).exclude(
            pk__in=[b.pk for b in queued]
        ).update(queue_position=None)
        Booking.objects.filter(pk__in=[b.pk for b in queued]).update(queue_position=None)
        start_base = first_working_day(today, holidays)
        # Work started but not yet in production takes materials first, then the queue in its order.
        started = list(
            Booking.objects.filter(service=service, status__in=IN_PROGRESS - {Status.PRODUCTION}).order_by(*QUEUE_ORDER)
        )
        delays: dict[int, int] = {}
        for delay in hooks.queue_delays:
            for pk, days in delay(service, started + queued).items():
                delays[pk] = max(days, delays.get(pk, 0))
        for booking in started:
            booking.awaiting_materials = delays.get(booking.pk, 0) > 0
        Booking.objects.bulk_update(started, ["awaiting_materials"], batch_size=500)
        for position, booking in enumerate(queued, start=1):
            wait = ahead // service.daily_capacity
            start = add_working_days(start_base, wait, holidays)
            # Materials short: the booking cannot start before they arrive ("menunggu bahan").
            waiting = delays.get(booking.pk, 0)
            booking.awaiting_materials = waiting > 0
            if waiting:
                start = max(start, add_working_days(start_base, waiting, holidays))
            own = math.ceil(booking.quantity / service.daily_capacity)
            booking.queue_position = position
            old_position, old_finish = before[booking.pk]
            finish = add_working_days(start, max(processing, own), holidays)
            if old_position is not None:  # a queue estimate was shown before: keep it steady
                finish = steady(old_finish, finish, today=today, holidays=holidays)
            booking.estimated_start = start
            booking.estimated_finish = finish
            ahead += booking.quantity
        Booking.objects.bulk_update(
            queued, ["queue_position", "estimated_start", "estimated_finish", "awaiting_materials"], batch_size=500
        )
        for booking in queued if notify else ():
            old_position, old_finish = before[booking.pk]
            if (old_position, old_finish) != (booking.queue_position, booking.estimated_finish):
                notices.queue_moved(booking, old_position=old_position, old_finish=old_finish, holidays=holidays)
    return len(queued)


def schedule_recompute(service_id: int) -> None:
    """After the current transaction commits, recompute the service's queue in a Celery task.
    Call it once per transaction (``bookings.services._apply`` does, unless told the caller will).

    A broker that is down must not fail the person's action: the periodic ``recompute_all_queues``
    catches up within minutes.
    """
    enqueue_after_commit(tasks.recompute_queue, service_id)

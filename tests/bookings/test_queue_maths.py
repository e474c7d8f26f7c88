"""Queue arithmetic with holidays, large orders and partial history (dates worked out by hand)."""
import datetime

import pytest
from django.utils import timezone

from bookings.models import Booking, BookingEvent, Holiday, Service
from bookings.queue import (
    HISTORY_MINIMUM,
    HISTORY_SAMPLE,
    QUEUE_ORDER,
    first_working_day,
    processing_days,
    recompute,
    stage_medians,
    working_days_between,
)
from bookings.services import booking_submit, booking_verify
from notifications.models import Notification

MONDAY = datetime.date(2026, 11, 30)
D = datetime.timedelta


def queued(owner, staff, product, service, quantity):
    booking = booking_submit(actor=owner, product=product, service=service, quantity=quantity)
    return booking_verify(booking=booking, actor=staff, override_reason="uji")


def stored(booking):
    return Booking.objects.values_list("queue_position", "estimated_start", "estimated_finish").get(pk=booking.pk)


@pytest.fixture
def sablon(db):
    """Print-only, capacity 200 a day, lead time 5 working days, minimum 50."""
    return Service.objects.get(slug="sablon")


def test_constants():
    assert QUEUE_ORDER == ("-priority", "verified_at", "id")
    assert (HISTORY_SAMPLE, HISTORY_MINIMUM) == (200, 5)


def test_working_days_between():
    friday, saturday = MONDAY + D(4), MONDAY + D(5)
    assert working_days_between(MONDAY, MONDAY, frozenset()) == 0
    assert working_days_between(friday, MONDAY, frozenset()) == 0  # backwards
    assert working_days_between(MONDAY, MONDAY + D(1), frozenset()) == 1
    assert working_days_between(friday, friday + D(3), frozenset()) == 1  # Friday → Monday
    assert working_days_between(saturday, saturday + D(1), frozenset()) == 0  # Saturday → Sunday
    assert working_days_between(MONDAY, friday, frozenset()) == 4
    assert working_days_between(MONDAY, friday, frozenset({MONDAY + D(2)})) == 3  # Wednesday a holiday


def test_first_working_day():
    saturday = MONDAY + D(5)
    assert first_working_day(MONDAY, frozenset()) == MONDAY
    assert first_working_day(saturday, frozenset()) == MONDAY + D(7)
    assert first_working_day(saturday, frozenset({MONDAY + D(7)})) == MONDAY + D(8)


def test_a_holiday_today_moves_every_start(owner, staff, product, sablon):
    Holiday.objects.create(date=MONDAY, name="Uji")
    booking = queued(owner, staff, product, sablon, 50)
    assert recompute(sablon.pk, today=MONDAY, notify=False) == 1
    # Starts Tuesday 1 Dec; 5 working days later: Tuesday 8 Dec.
    assert stored(booking) == (1, MONDAY + D(1), MONDAY + D(8))


def test_large_orders_take_several_days_and_push_the_next_ones(owner, staff, product, sablon):
    Service.objects.filter(pk=sablon.pk).update(lead_time_days=1)
    big = queued(owner, staff, product, sablon, 1000)  # 5 days of capacity
    odd = queued(owner, staff, product, sablon, 201)  # just over a day: 2 days
    small = queued(owner, staff, product, sablon, 50)
    recompute(sablon.pk, today=MONDAY, notify=False)
    assert stored(big) == (1, MONDAY, MONDAY + D(7))  # 5 working days after Monday: next Monday
    # 1000 units ahead = 5 days: starts Monday 7 Dec, ceil(201/200) = 2 days: Wednesday 9 Dec.
    assert stored(odd) == (2, MONDAY + D(7), MONDAY + D(9))
    # 1201 ahead: 1201 // 200 = 6 days: Tuesday 8 Dec, then the lead time of 1 day.
    assert stored(small) == (3, MONDAY + D(8), MONDAY + D(9))


def test_a_holiday_inside_the_run_is_skipped(owner, staff, product, sablon):
    Holiday.objects.create(date=MONDAY + D(2), name="Uji")  # Wednesday
    booking = queued(owner, staff, product, sablon, 50)
    recompute(sablon.pk, today=MONDAY, notify=False)
    assert stored(booking) == (1, MONDAY, MONDAY + D(8))  # Tue, Thu, Fri, Mon, Tue


def test_work_in_progress_counts_its_units(owner, staff, product, sablon):
    busy = queued(owner, staff, product, sablon, 400)
    Booking.objects.filter(pk=busy.pk).update(status="produksi")
    ready = queued(owner, staff, product, sablon, 400)
    Booking.objects.filter(pk=ready.pk).update(status="siap_diambil")  # ready: no longer takes capacity
    waiting = queued(owner, staff, product, sablon, 50)
    recompute(sablon.pk, today=MONDAY, notify=False)
    assert stored(waiting)[:2] == (1, MONDAY + D(2))  # 400 units ahead = 2 days
    assert stored(busy)[0] is None and stored(ready)[0] is None


def test_recompute_without_notify_tells_nobody(owner, staff, product, sablon):
    queued(owner, staff, product, sablon, 50)
    Notification.objects.all().delete()
    recompute(sablon.pk, today=MONDAY, notify=False)
    assert not Notification.objects.exists()
    recompute(sablon.pk, today=MONDAY + D(1))
    assert Notification.objects.filter(kind="queue_near").count() == 0  # position 1 already known
    assert Notification.objects.filter(kind="estimate_slipped").exists()


def done_with_events(owner, staff, product, service, stages, closed):
    """A completed booking whose events spent ``stages`` = [(to_status, day offset)] from ``closed``."""
    booking = queued(owner, staff, product, service, 50)
    Booking.objects.filter(pk=booking.pk).update(status="selesai", closed_at=closed)
    for to_status, offset in stages:
        BookingEvent.objects.create(booking=booking, action="x", from_status="", to_status=to_status,
                                    created_at=closed + D(days=offset))
    return booking


def test_too_little_history_keeps_the_stated_lead_time(owner, staff, product, sablon):
    base = timezone.make_aware(datetime.datetime(2027, 1, 4, 9))  # a Monday, after the real events
    stages = [("dalam_antrean", 0), ("produksi", 1), ("siap_diambil", 2), ("selesai", 3)]
    for i in range(HISTORY_MINIMUM - 1):
        done_with_events(owner, staff, product, sablon, stages, base + D(days=7 * i))
    assert stage_medians(sablon) == {}
    assert processing_days(sablon) == 5
    done_with_events(owner, staff, product, sablon, stages, base + D(days=35))
    medians = stage_medians(sablon)
    assert medians["produksi"] == 1
    assert processing_days(sablon, medians) == 1


def test_partial_history_falls_back_to_the_lead_time(owner, staff, product, sablon):
    # Five completed bookings, but none recorded its production stage: the median is unknown.
    base = timezone.make_aware(datetime.datetime(2027, 1, 4, 9))
    for i in range(5):
        done_with_events(owner, staff, product, sablon, [("dalam_antrean", 0), ("siap_diambil", 3)], base + D(days=7 * i))
    assert "produksi" not in stage_medians(sablon)
    assert processing_days(sablon) == 5


def test_measured_processing_is_at_least_a_day_and_rounds_up(sablon):
    assert processing_days(sablon, {"produksi": 0}) == 1
    assert processing_days(sablon, {"produksi": 2.5}) == 3
    assert processing_days(sablon, {"produksi": 2}) == 2
    assert processing_days(sablon, {"desain": 9}) == 5  # another stage: not this path's


def test_design_path_sums_its_stages(db):
    design = Service.objects.get(slug="desain-kemasan")
    medians = {"desain": 2, "menunggu_persetujuan": 1.5, "disetujui": 1, "produksi": 40}
    assert processing_days(design, medians) == 5  # ceil(2 + 1.5 + 1); production is not on this path
    assert processing_days(design, {"desain": 2, "menunggu_persetujuan": 1}) == 7  # a stage unknown


def test_stage_medians_use_working_days_and_the_median(owner, staff, product, sablon):
    base = timezone.make_aware(datetime.datetime(2027, 1, 8, 9))  # a Friday
    for i, days in enumerate([1, 1, 3, 5, 9]):
        done_with_events(owner, staff, product, sablon, [("produksi", 0), ("siap_diambil", days)], base + D(days=14 * i))
    medians = stage_medians(sablon)
    # Friday + 1 calendar day is Saturday: 0 working days; +3 is Monday: 1; +5 Wednesday: 3; +9 Sunday: 5.
    assert medians["produksi"] == 1


def test_steady_keeps_a_date_only_a_working_day_earlier():
    from bookings.queue import STEADY_WORKING_DAYS, steady

    wednesday, friday = MONDAY + D(2), MONDAY + D(4)
    none = frozenset()
    assert STEADY_WORKING_DAYS == 1
    assert steady(None, wednesday, today=MONDAY, holidays=none) == wednesday  # nothing shown before
    assert steady(friday, MONDAY + D(3), today=MONDAY, holidays=none) == friday  # a working day earlier: kept
    assert steady(friday, wednesday, today=MONDAY, holidays=none) == wednesday  # two working days earlier: shown
    assert steady(friday, friday, today=MONDAY, holidays=none) == friday
    assert steady(wednesday, friday, today=MONDAY, holidays=none) == friday  # later: always shown
    # Monday is one working day before Friday when Tuesday to Thursday are holidays.
    assert steady(friday, MONDAY, today=MONDAY, holidays=frozenset({MONDAY + D(n) for n in (1, 2, 3)})) == friday
    # An old estimate already past is no promise to keep; one falling today still is.
    assert steady(MONDAY, MONDAY - D(3), today=MONDAY + D(1), holidays=none) == MONDAY - D(3)
    assert steady(MONDAY, MONDAY - D(3), today=MONDAY, holidays=none) == MONDAY


def test_an_empty_workshop_starts_today_even_at_a_capacity_of_one(owner, staff, product, sablon):
    Service.objects.filter(pk=sablon.pk).update(daily_capacity=1, minimum_order=1, lead_time_days=1)
    sablon.refresh_from_db()
    first = queued(owner, staff, product, sablon, 1)
    second = queued(owner, staff, product, sablon, 1)
    recompute(sablon.pk, today=MONDAY, notify=False)
    assert stored(first) == (1, MONDAY, MONDAY + D(1))
    assert stored(second) == (2, MONDAY + D(1), MONDAY + D(2))


def materials_short(days_by_booking):
    def delay(service, bookings):
        return {booking.pk: days_by_booking[booking.pk] for booking in bookings if booking.pk in days_by_booking}
    return delay


def test_short_materials_hold_back_queued_and_started_bookings(monkeypatch, owner, staff, product, sablon):
    from bookings import hooks

    started_short, started_ok, started_zero = (queued(owner, staff, product, sablon, 50) for _ in range(3))
    Booking.objects.filter(pk__in=[started_short.pk, started_ok.pk, started_zero.pk]).update(status="disetujui")
    waits, flows, flows_too = (queued(owner, staff, product, sablon, 50) for _ in range(3))
    # Two suppliers' hooks: the longer wait counts; a hook may also report 0 days (materials in stock).
    monkeypatch.setattr(hooks, "queue_delays", [
        *hooks.queue_delays,
        materials_short({started_short.pk: 1, started_zero.pk: 0, waits.pk: 1, flows_too.pk: 0}),
        materials_short({waits.pk: 3, flows_too.pk: 0}),
    ])
    recompute(sablon.pk, today=MONDAY, notify=False)
    awaiting = dict(Booking.objects.values_list("pk", "awaiting_materials"))
    assert awaiting == {started_short.pk: True, started_ok.pk: False, started_zero.pk: False,
                        waits.pk: True, flows.pk: False, flows_too.pk: False}
    # 150 units in production (started) ahead: no full day. The short one starts when its materials
    # arrive, 3 working days on; it still counts ahead of the others, which are not held back.
    assert stored(waits) == (1, MONDAY + D(3), MONDAY + D(10))
    assert stored(flows)[:2] == (2, MONDAY + D(1))
    assert stored(flows_too)[:2] == (3, MONDAY + D(1))


def test_a_day_of_short_materials_is_enough_to_wait(monkeypatch, owner, staff, product, sablon):
    from bookings import hooks

    booking = queued(owner, staff, product, sablon, 50)
    monkeypatch.setattr(hooks, "queue_delays", [*hooks.queue_delays, materials_short({booking.pk: 1})])
    recompute(sablon.pk, today=MONDAY, notify=False)
    assert Booking.objects.get(pk=booking.pk).awaiting_materials
    assert stored(booking) == (1, MONDAY + D(1), MONDAY + D(8))


def test_verifying_schedules_the_queue_after_commit(owner, staff, product, sablon, django_capture_on_commit_callbacks):
    booking = booking_submit(actor=owner, product=product, service=sablon, quantity=50)
    with django_capture_on_commit_callbacks(execute=True):
        booking_verify(booking=booking, actor=staff, override_reason="uji")
    assert stored(booking)[0] == 1  # the Celery task ran (eagerly in tests) once the transaction committed


def test_a_queued_booking_keeps_its_date_when_it_gains_a_single_day(owner, staff, product, sablon):
    from bookings.services import booking_transition

    first = queued(owner, staff, product, sablon, 200)  # a full day of capacity
    second = queued(owner, staff, product, sablon, 50)
    recompute(sablon.pk, today=MONDAY, notify=False)
    assert stored(second) == (2, MONDAY + D(1), MONDAY + D(8))
    booking_transition(booking=first, actor=owner, name="cancel", note="Tidak jadi")
    recompute(sablon.pk, today=MONDAY, notify=False)
    # It now starts a day sooner, but the date shown is kept rather than moved one day earlier.
    assert stored(second) == (1, MONDAY, MONDAY + D(8))

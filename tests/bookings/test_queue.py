import datetime
import threading

import pytest
from django.db import connections
from django.utils import timezone

from bookings.calendar import add_working_days
from bookings.models import Booking, BookingEvent, Service
from bookings.queue import processing_days, recompute
from bookings.services import booking_set_priority, booking_submit, booking_transition, booking_verify
from bookings.workflow import Status
from tests.factories import BusinessFactory, ProductFactory, UserFactory

MONDAY = datetime.date(2026, 11, 30)


def queued(owner, product, service, staff, quantity):
    booking = booking_submit(actor=owner, product=product, service=service, quantity=quantity)
    return booking_verify(booking=booking, actor=staff, override_reason="uji")


@pytest.fixture
def design(db):
    """Desain kemasan: capacity 2 designs a day, lead time 7 working days."""
    return Service.objects.get(slug="desain-kemasan")


def test_positions_follow_priority_then_verification_time(owner, staff, product, design):
    first, second, third = (queued(owner, product, design, staff, 1) for _ in range(3))
    recompute(design.pk, today=MONDAY)
    assert [b.queue_position for b in Booking.objects.order_by("id")] == [1, 2, 3]

    booking_set_priority(booking=third, actor=staff, priority=2, reason="Pameran minggu depan")
    recompute(design.pk, today=MONDAY)
    positions = dict(Booking.objects.values_list("code", "queue_position"))
    assert positions == {third.code: 1, first.code: 2, second.code: 3}
    event = third.events.get(action="priority")
    assert (event.note, event.data) == ("Pameran minggu depan", {"from": 0, "to": 2})


def test_estimates_use_capacity_and_working_days(owner, staff, product, design):
    bookings = [queued(owner, product, design, staff, 1) for _ in range(5)]
    recompute(design.pk, today=MONDAY)
    starts = [Booking.objects.get(pk=b.pk).estimated_start for b in bookings]
    # Two designs a day: two start Monday, two Tuesday, one Wednesday.
    assert starts == [MONDAY, MONDAY, MONDAY + datetime.timedelta(1), MONDAY + datetime.timedelta(1), MONDAY + datetime.timedelta(2)]
    finish = Booking.objects.get(pk=bookings[0].pk).estimated_finish
    assert finish == add_working_days(MONDAY, design.lead_time_days, frozenset())


def test_work_in_progress_delays_the_queue(owner, staff, product, design):
    busy = [queued(owner, product, design, staff, 1) for _ in range(2)]
    for booking in busy:
        booking_transition(booking=booking, actor=staff, name="start_design")
    waiting = queued(owner, product, design, staff, 1)
    recompute(design.pk, today=MONDAY)
    waiting.refresh_from_db()
    assert waiting.queue_position == 1
    assert waiting.estimated_start == MONDAY + datetime.timedelta(days=1)


def test_leaving_the_queue_closes_the_gap(owner, staff, product, design):
    bookings = [queued(owner, product, design, staff, 1) for _ in range(3)]
    recompute(design.pk, today=MONDAY)
    booking_transition(booking=bookings[0], actor=staff, name="start_design")
    booking_transition(booking=bookings[1], actor=owner, name="cancel", note="Tidak jadi")
    recompute(design.pk, today=MONDAY)
    assert list(Booking.objects.filter(queue_position__isnull=False).values_list("pk", "queue_position")) == [(bookings[2].pk, 1)]


def test_measured_stage_medians_replace_the_stated_lead_time(owner, staff, product, design):
    assert processing_days(design) == design.lead_time_days
    base = timezone.make_aware(datetime.datetime(2026, 11, 2, 9))  # a Monday
    for i in range(5):
        booking = queued(owner, product, design, staff, 1)
        Booking.objects.filter(pk=booking.pk).update(status=Status.DONE, closed_at=base)
        # design 2 working days, approval 1, approved→ready 1: 4 working days in all
        for day, (frm, to) in zip([0, 2, 3, 4, 5], [("dalam_antrean", "desain"), ("desain", "menunggu_persetujuan"),
                                                    ("menunggu_persetujuan", "disetujui"), ("disetujui", "siap_diambil"),
                                                    ("siap_diambil", "selesai")]):
            BookingEvent.objects.create(booking=booking, action="x", from_status=frm, to_status=to,
                                        created_at=base + datetime.timedelta(days=day + 7 * i))
    assert processing_days(design) == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_positions_never_repeat_or_skip_under_concurrent_changes():
    service = Service.objects.get(slug="desain-kemasan")
    staff = UserFactory(role="staff")
    owner = UserFactory()
    product = ProductFactory(business=BusinessFactory(owner=owner))
    bookings = [booking_submit(actor=owner, product=product, service=service, quantity=1) for _ in range(8)]
    barrier = threading.Barrier(len(bookings))
    errors = []

    def verify(booking):
        try:
            barrier.wait(timeout=10)
            booking_verify(booking=booking, actor=staff, override_reason="uji")
            recompute(service.pk)
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=verify, args=(b,)) for b in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    recompute(service.pk)
    positions = sorted(Booking.objects.values_list("queue_position", flat=True))
    assert positions == list(range(1, 9))

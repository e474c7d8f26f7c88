"""Constructors of BookingEvent rows: the only code that writes the history.

Every service that changes a field the reports read (status, timestamps, due date, assignee, quantity
produced) records an event after saving the booking, so ``record`` is also where ``hooks.changed`` fires.
"""
from django.utils import timezone

from bookings import hooks
from bookings.models import Booking, BookingEvent
from bookings.workflow import Action


def record(
    booking: Booking, *, action: Action, from_status: str, to_status: str, actor=None, note: str = "", data=None
) -> BookingEvent:
    now = timezone.now()
    previous = BookingEvent.objects.filter(booking=booking).order_by("-created_at", "-id").values_list("created_at", flat=True).first()
    event = BookingEvent.objects.create(
        booking=booking,
        created_at=now,
        stage_seconds=int((now - previous).total_seconds()) if previous else None,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
    for changed in hooks.changed:
        changed([booking.pk])
    return event


def submitted(booking: Booking, *, actor, follows: str | None = None) -> BookingEvent:
    data = {"quantity": booking.quantity, "estimated_cost": booking.estimated_cost}
    if follows:
        data["follows"] = follows
    return record(booking, action=Action.SUBMIT, from_status="", to_status=booking.status, actor=actor, data=data)

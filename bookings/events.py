"""Constructors of BookingEvent rows: the only code that writes the history."""
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from bookings.workflow import Action


def record(
    booking: Booking, *, action: Action, from_status: str, to_status: str, actor=None, note: str = "", data=None
) -> BookingEvent:
    now = timezone.now()
    previous = BookingEvent.objects.filter(booking=booking).order_by("-created_at", "-id").values_list("created_at", flat=True).first()
    return BookingEvent.objects.create(
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


def submitted(booking: Booking, *, actor, follows: str | None = None) -> BookingEvent:
    data = {"quantity": booking.quantity, "estimated_cost": booking.estimated_cost}
    if follows:
        data["follows"] = follows
    return record(booking, action=Action.SUBMIT, from_status="", to_status=booking.status, actor=actor, data=data)

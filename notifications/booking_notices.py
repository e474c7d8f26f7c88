"""Who hears what about a booking. Called by bookings.services and bookings.queue inside the
transaction that makes the change, so the outbox rows commit (or roll back) with it.

- The owner: on every transition of the booking made by someone else (the office or the system),
  on each new proof, when the booking reaches position 3 or better in the queue, and when its
  expected date slips by a working day or more.
- Staff: on new requests, on data completed by the owner, on revision requests (the assigned staff
  member, or all staff while nobody is assigned).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import Role
from notifications.services import notify

NEAR_POSITION = 3


def _staff_for(booking):
    if booking.assignee_id:
        return [booking.assignee]
    users = get_user_model().objects.filter(groups__name=Role.STAFF, is_active=True)
    return list(users)


def submitted(booking) -> None:
    for person in _staff_for(booking):
        notify(recipient=person, kind="staff_new_request", context={},
               booking=booking, link=booking.get_absolute_url())


def transition(booking, *, name: str, actor, note: str, data: dict | None) -> None:
    from bookings.workflow import Status

    owner = booking.business.owner
    path = booking.get_absolute_url()
    if name == "resubmit":
        for person in _staff_for(booking):
            notify(recipient=person, kind="staff_data_completed", context={}, booking=booking, link=path)
    if name == "request_revision":
        for person in _staff_for(booking):
            notify(recipient=person, kind="staff_revision_requested", context={"note": note},
                   booking=booking, link=path)
    if actor is not None and actor.pk == owner.pk:
        return  # the owner did it: no message to themselves
    if name == "send_proof":
        notify(recipient=owner, kind="proof_sent", context={"version": (data or {}).get("proof")},
               booking=booking, link=path)
        return
    if name == "enqueue":
        return  # follows verification at once; the owner hears of the verification and the queue position
    notify(recipient=owner, kind="booking_status",
           context={"status": Status(booking.status).label, "note": note}, booking=booking, link=path)
    if booking.status == Status.DONE:
        survey = reverse("reports:survey", kwargs={"code": booking.code})
        notify(recipient=owner, kind="survey_invite", context={}, booking=booking, link=survey)


def queue_moved(booking, *, old_position, old_finish, holidays) -> None:
    """Position ≤ 3 reached, or the expected date slipped by a working day or more."""
    from bookings.queue import working_days_between

    owner = booking.business.owner
    path = booking.get_absolute_url()
    if booking.queue_position and booking.queue_position <= NEAR_POSITION and (old_position is None or old_position > NEAR_POSITION):
        notify(recipient=owner, kind="queue_near", context={}, booking=booking, link=path)
    # A slip counts once the booking had a queue estimate (not against the rough one made at submission).
    already_queued = old_position is not None
    if already_queued and old_finish and booking.estimated_finish and working_days_between(old_finish, booking.estimated_finish, holidays) >= 1:
        notify(recipient=owner, kind="estimate_slipped", context={"old_date": old_finish},
               booking=booking, link=path)

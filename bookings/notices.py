"""Who hears what about a booking. Called by bookings.services and bookings.queue inside the
transaction that makes the change, so the outbox rows (notifications.services.notify) commit or roll
back with it.

- On a transition, the table in bookings.workflow says who hears: ``Transition.owner_hears`` goes to
  the owner unless the owner did it themselves, ``Transition.staff_hears`` to the assigned staff
  member (or all staff while nobody is assigned). A finished request also invites the owner to the
  satisfaction survey.
- On a new request, staff hear of it.
- When the queue moves (bookings.queue): the owner, on reaching position 3 or better, and when the
  expected date slips by a working day or more.
"""
from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from bookings.calendar import working_days_between
from bookings.workflow import Status, Transition
from notifications.models import Notification
from notifications.services import notify

Kind = Notification.Kind
NEAR_POSITION = 3


def _staff_for(booking) -> list[User]:
    if booking.assignee_id:
        return [booking.assignee]
    return list(User.objects.filter(groups__name=Role.STAFF, is_active=True))


def submitted(booking) -> None:
    for person in _staff_for(booking):
        notify(recipient=person, kind=Kind.STAFF_NEW_REQUEST, context={}, about=booking, link=booking.get_absolute_url())


def transition(booking, *, transition: Transition, actor, note: str, data: dict | None) -> None:
    owner = booking.business.owner
    path = booking.get_absolute_url()
    context = {"status": Status(booking.status).label, "note": note, "version": (data or {}).get("proof")}
    if transition.staff_hears:
        for person in _staff_for(booking):
            notify(recipient=person, kind=transition.staff_hears, context=context, about=booking, link=path)
    if transition.owner_hears is None or (actor is not None and actor.pk == owner.pk):
        return  # nothing for the owner, or the owner did it: no message to themselves
    notify(recipient=owner, kind=transition.owner_hears, context=context, about=booking, link=path)
    if booking.status == Status.DONE:
        survey = reverse("reports:survey", kwargs={"code": booking.code})
        notify(recipient=owner, kind=Kind.SURVEY_INVITE, context={}, about=booking, link=survey)


def queue_moved(booking, *, old_position, old_finish, holidays) -> None:
    """Position ≤ 3 reached, or the expected date slipped by a working day or more."""
    owner = booking.business.owner
    path = booking.get_absolute_url()
    if booking.queue_position and booking.queue_position <= NEAR_POSITION and (old_position is None or old_position > NEAR_POSITION):
        notify(recipient=owner, kind=Kind.QUEUE_NEAR, context={}, about=booking, link=path)
    # A slip counts once the booking had a queue estimate (not against the rough one made at submission).
    already_queued = old_position is not None
    if already_queued and old_finish and booking.estimated_finish and working_days_between(old_finish, booking.estimated_finish, holidays) >= 1:
        notify(recipient=owner, kind=Kind.ESTIMATE_SLIPPED, context={"old_date": old_finish}, about=booking, link=path)

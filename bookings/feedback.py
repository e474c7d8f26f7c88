"""What the person who acted reads afterwards: one sentence naming the request and what happened.

("RK-2026-00006 verified and in the queue as number 3", not "Saved.") Reads the booking after the
action; the queue position is counted at once, before the worker renumbers the queue.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.workflow import Status


def queue_position_now(booking: Booking) -> int | None:
    """The booking's place in its service's queue by the queue's order (priority, verification, id)."""
    if booking.status != Status.QUEUED:
        return None
    if booking.queue_position:
        return booking.queue_position
    ahead = Booking.objects.filter(service_id=booking.service_id, status=Status.QUEUED).filter(
        Q(priority__gt=booking.priority)
        | Q(priority=booking.priority, verified_at__lt=booking.verified_at)
        | Q(priority=booking.priority, verified_at=booking.verified_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def verified(booking: Booking) -> str:
    booking.refresh_from_db(fields=["status", "queue_position", "verified_at", "priority"])
    position = queue_position_now(booking)
    if position:
        return _("%(code)s verified and in the queue as number %(position)s.") % {"code": booking.code, "position": position}
    return _("%(code)s verified.") % {"code": booking.code}


def transition(booking: Booking, label) -> str:
    booking.refresh_from_db(fields=["status"])
    return _("%(code)s: %(action)s. Now: %(status)s.") % {
        "code": booking.code, "action": label, "status": Status(booking.status).label,
    }


def assigned(booking: Booking, assignee) -> str:
    if assignee is None:
        return _("%(code)s is no longer assigned to anyone.") % {"code": booking.code}
    return _("%(code)s is now handled by %(name)s.") % {"code": booking.code, "name": assignee}


def priority(booking: Booking, label) -> str:
    return _("Priority of %(code)s set to %(priority)s.") % {"code": booking.code, "priority": label}


def production_finished(booking: Booking, quantity: int) -> str:
    return _("%(code)s: production finished, %(quantity)s %(unit)s made. The owner is told it is ready for collection.") % {
        "code": booking.code, "quantity": quantity, "unit": booking.service.get_unit_display(),
    }


def proof_sent(booking: Booking, version: int) -> str:
    return _("Version %(version)s of the design for %(code)s was sent to the owner for approval.") % {
        "version": version, "code": booking.code,
    }


def handed_over(booking: Booking) -> str:
    booking.refresh_from_db(fields=["collected_by", "status"])
    return _("%(code)s handed over to %(who)s. The request is complete.") % {"code": booking.code, "who": booking.collected_by}

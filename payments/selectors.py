"""Reads of the money side that feed pages."""
from __future__ import annotations

from payments import services
from payments.models import LedgerEntry, TransferClaim


def booking_money(user, booking) -> dict:
    """What the booking page shows of a booking's money (owner: own booking only; the view checked)."""
    state = services.balance(booking)
    return {
        "booking": booking,
        **state,
        "entries": list(LedgerEntry.objects.filter(booking=booking).select_related("recorded_by").order_by("recorded_at", "id")),
        "claims": list(TransferClaim.objects.filter(booking=booking).order_by("-submitted_at")),
        "is_own": booking.business.owner_id == user.pk,
        "may_handle_money": services.may_handle_money(user),
    }

"""Public tracking: by code plus the last four digits of the WhatsApp number, or by a signed link.

Nothing personal is shown, a wrong pair answers exactly like an unknown code, and the signed link
carries the booking's random ``public_id`` (never a sequential id) under the site's secret key.
"""
from __future__ import annotations

import hmac
import uuid

from django.conf import settings
from django.core import signing
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from bookings.models import Booking, BookingEvent
from bookings.workflow import Status

_SALT = "bookings.tracking"


def tracking_token(booking: Booking) -> str:
    return signing.dumps(booking.public_id.hex, salt=_SALT, compress=False)


def tracking_url(booking: Booking) -> str:
    return reverse("bookings:track_link", kwargs={"token": tracking_token(booking)})


def _public_queryset():
    """With the moment the request became ready for collection, so the page needs no second query."""
    ready = BookingEvent.objects.filter(booking=OuterRef("pk"), to_status=Status.READY).order_by("-created_at")
    return Booking.objects.select_related("service").annotate(ready_at=Subquery(ready.values("created_at")[:1]))


def booking_from_token(token: str) -> Booking | None:
    try:
        value = signing.loads(token, salt=_SALT)
        public_id = uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return _public_queryset().filter(public_id=public_id).first()


def normalize_code(raw: str) -> str:
    return "".join((raw or "").split()).upper()


def booking_from_code(code: str, last4: str) -> Booking | None:
    booking = _public_queryset().select_related("business").filter(code=normalize_code(code)).first()
    # Compare in constant time; an unknown code still spends a comparison, so both look alike.
    expected = booking.business.phone[-4:] if booking else "----"
    matches = hmac.compare_digest(expected.encode(), (last4 or "").strip().encode())
    return booking if booking and matches else None


def qr_path(booking: Booking) -> str:
    return f"bookings/qr/{booking.public_id.hex}.svg"


def absolute_tracking_url(booking: Booking) -> str:
    return settings.RK_SITE_URL.rstrip("/") + tracking_url(booking)

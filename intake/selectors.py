"""Reads for the counter and the guest book."""
from __future__ import annotations

import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Business, User
from accounts.roles import Role
from accounts.validators import digits_only
from bookings.models import Booking
from intake.models import Visit

SEARCH_LIMIT = 10


def _national(digits: str) -> str:
    """The digits people type (0812…, 62812…, 812…) as the part after +62, for matching E.164 numbers."""
    if digits.startswith("62"):
        return digits[2:]
    return digits[1:] if digits.startswith("0") else digits


def owner_search(query: str) -> tuple[list[Business], list[User]]:
    """Owners matching a WhatsApp number, a name, a business name or an NIB, as the counter types.

    Two small queries, each served by an index: on PostgreSQL the trigram indexes of names and numbers
    (accounts migration 0008) serve ``icontains``; an NIB is matched whole through its unique index.
    Returns (businesses with their owners, owners without a business yet).
    """
    query = (query or "").strip()
    if len(query) < 2:
        return [], []
    digits = digits_only(query)
    business_match = Q(name__icontains=query) | Q(owner_name__icontains=query) | Q(owner__name__icontains=query)
    owner_match = Q(name__icontains=query)
    if digits and len(digits) >= 4 and len(digits) >= len(query.replace(" ", "").replace("-", "")) - 1:
        national = _national(digits)
        business_match |= Q(owner__owner_phone__phone__icontains=national)
        owner_match |= Q(owner_phone__phone__icontains=national)
        if len(digits) == 13:
            business_match |= Q(nib=digits)
    businesses = list(
        Business.objects.filter(business_match, owner__is_active=True)
        .select_related("owner", "district").order_by("name")[:SEARCH_LIMIT]
    )
    owners = list(
        User.objects.filter(owner_match, groups__name=Role.OWNER, is_active=True, businesses__isnull=True)
        .order_by("name")[:5]
    )
    return businesses, owners


def owner_for_counter(username: str) -> User:
    return get_object_or_404(User.objects.filter(groups__name=Role.OWNER, is_active=True), username=username)


def booking_for_receipt(code: str) -> Booking:
    return get_object_or_404(Booking.objects.select_related("service", "business", "product", "entered_by"), code=code)


def visits_of_day(day: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        Visit.objects.filter(visited_at__gte=start, visited_at__lt=end)
        .select_related("district", "staff", "booking")
        .order_by("-visited_at", "-id")
    )


def visit_for_request(public_id) -> Visit:
    return get_object_or_404(Visit.objects.select_related("owner", "district"), public_id=public_id, booking__isnull=True)

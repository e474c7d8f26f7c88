"""Reads that feed booking pages: querysets with what their templates need already joined."""
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from bookings.models import Booking, BookingEvent, Service


def visible_bookings(user):
    """Bookings a user may see: an owner their own, the office all of them."""
    qs = Booking.objects.all()
    if not user.is_office:
        qs = qs.filter(business__owner=user)
    return qs


def bookings_for_list(user):
    return visible_bookings(user).select_related("business", "product", "service").order_by("-submitted_at", "-id")


def booking_for_detail(user, code: str) -> Booking:
    qs = visible_bookings(user).select_related("business__district", "business__owner", "product", "service")
    qs = qs.prefetch_related(
        Prefetch("events", queryset=BookingEvent.objects.select_related("actor").order_by("created_at", "id")),
        "reference_files",
        "product__documents",
        "business__documents",
    )
    return get_object_or_404(qs, code=code)


def active_services():
    return Service.objects.filter(is_active=True).order_by("sort_order", "name")

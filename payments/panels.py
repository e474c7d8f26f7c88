"""The money panel on the booking page (filled into bookings.hooks.detail_panels)."""
from django.template.loader import render_to_string

from payments import selectors


def booking_panel(request, booking) -> str:
    return render_to_string("payments/partials/booking_panel.html", selectors.booking_money(request.user, booking), request=request)

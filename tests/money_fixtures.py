"""Fixtures shared by the payments and materials tests: a treasurer, the print-only sablon service
(Rp 3.000 per piece, partner cooperative, production after a 50 % down payment) and a verified booking."""
import pytest

from accounts.roles import Role
from bookings.models import Service
from bookings.services import booking_submit, booking_verify
from tests.factories import BusinessFactory, ProductFactory, UserFactory


@pytest.fixture
def treasurer(db):
    return UserFactory(role=Role.TREASURER)


@pytest.fixture
def sablon(db):
    return Service.objects.get(slug="sablon")


def verified_booking(*, service, staff, quantity=100, owner=None):
    owner = owner or UserFactory(role=Role.OWNER)
    product = ProductFactory(business=BusinessFactory(owner=owner))
    booking = booking_submit(actor=owner, product=product, service=service, quantity=quantity)
    booking_verify(booking=booking, actor=staff)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def sablon_booking(sablon, staff, owner):
    return verified_booking(service=sablon, staff=staff, owner=owner)


@pytest.fixture
def shift_days(monkeypatch):
    """Move the clock forward by whole days (``django.utils.timezone.now``, which ``localdate`` reads)."""
    import datetime

    from django.utils import timezone

    real_now = timezone.now

    def shift(days: int):
        monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=days))

    return shift

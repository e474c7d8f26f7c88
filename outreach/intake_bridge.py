"""Calls into the counter-intake services (app ``intake``, issue 9).

TEMPORARY until the intake app lands on main: a minimal owner find-or-create by WhatsApp number and a
request submitted on the owner's behalf, built from the existing account, product and booking services.
"""
from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Business, User
from accounts.roles import Role
from accounts.services import CONSENT_VERSION
from bookings.services import booking_submit
from outreach.models import OutreachTrip
from products.models import Product
from products.services import photos_add


def _owner_for_phone(*, phone: str, name: str) -> User:
    owner = User.objects.filter(phone=phone, groups__name=Role.OWNER).order_by("pk").first()
    if owner is None:
        owner = User(username=f"wa{phone.lstrip('+')}", name=name, phone=phone, consent_at=timezone.now(),
                     consent_version=CONSENT_VERSION)
        owner.set_unusable_password()
        owner.save()
        owner.groups.add(Group.objects.get(name=Role.OWNER))
    return owner


def intake(*, actor, trip: OutreachTrip, data: dict, photos: list, client_uuid):
    with transaction.atomic():
        OutreachTrip.objects.select_for_update().filter(pk=trip.pk).first()  # one record of a trip at a time
        owner = _owner_for_phone(phone=data["phone"], name=data["owner_name"])
        business = (
            Business.objects.filter(owner=owner, name__iexact=data["business_name"]).first()
            or Business.objects.create(
                owner=owner, name=data["business_name"], owner_name=data["owner_name"], owner_gender=data["owner_gender"],
                address=data["address"], district=data["district"], phone=data["phone"], sector=data["sector"],
                scale=data["scale"],
            )
        )
        product = (
            Product.objects.filter(business=business, name__iexact=data["product_name"]).first()
            or Product.objects.create(business=business, name=data["product_name"], category=data["category"])
        )
        if photos:
            photos_add(product=product, photos=photos)
        booking = booking_submit(actor=owner, product=product, service=data["service"], quantity=data["quantity"],
                                 notes=data["notes"])
    return owner, booking


def visit(*, actor, trip: OutreachTrip, data: dict, client_uuid):
    return None, None

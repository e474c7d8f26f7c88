"""Writes of the intake app: requests taken on an owner's behalf and guest-book entries.

Called by the counter pages (this app) and by the offline outreach sync (app ``outreach``, above this
one). Every function is keyword-only and runs in one transaction; the request itself is created by
``bookings.services.booking_submit``, the same function the online form uses.
"""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.claims import absolute_claim_url, claim_link_create
from accounts.models import Business, User
from accounts.services import CONSENT_VERSION, owner_find_or_create_by_whatsapp, owner_for_phone  # noqa: F401 - CONSENT_VERSION is part of this API
from bookings.models import Booking, BookingChannel
from bookings.services import booking_submit
from bookings.tracking import absolute_tracking_url
from core.phone import normalize_phone
from core.uploads import CleanFile
from intake.models import Intake, Visit
from notifications.models import Notification
from notifications.services import notify
from products.models import Product
from products.services import photos_add, product_save

# The product category a new quick product gets from its business's sector (staff can change it later).
CATEGORY_FOR_SECTOR = {
    Business.Sector.FOOD: Product.Category.FOOD,
    Business.Sector.FISHERY: Product.Category.FOOD,
    Business.Sector.AGRICULTURE: Product.Category.FOOD,
    Business.Sector.BEVERAGE: Product.Category.BEVERAGE,
    Business.Sector.HERBAL: Product.Category.HERBAL,
}
OFFICE_CHANNELS = (BookingChannel.COUNTER, BookingChannel.WHATSAPP, BookingChannel.OUTREACH)


@dataclass(frozen=True)
class IntakeResult:
    intake: Intake
    owner: User
    business: Business
    product: Product
    booking: Booking
    created_owner: bool
    claim_url: str  # empty when the owner already has a claimed account


def _business_for(*, owner: User, business: Business | None, data: dict) -> Business:
    if business is not None:
        if business.owner_id != owner.pk:
            raise ValidationError({"business": _("This business belongs to another owner.")})
        return business
    name = (data.get("name") or "").strip() or owner.name
    existing = owner.businesses.filter(name__iexact=name).first()
    if existing is None and not (data.get("name") or "").strip():
        existing = owner.businesses.order_by("created_at").first()
    if existing is not None:
        if data.get("turnover_band") and existing.turnover_band != data["turnover_band"]:
            existing.turnover_band = data["turnover_band"]
            existing.save(update_fields=["turnover_band", "updated_at"])
        return existing
    created = Business(
        owner=owner, name=name, owner_name=owner.name, owner_gender=data.get("gender", ""),
        address=(data.get("address") or "").strip(), district=data["district"], phone=owner.phone,
        sector=data["sector"], scale=data.get("scale") or Business.Scale.MICRO, nib=data.get("nib") or "",
        turnover_band=data.get("turnover_band") or "",
    )
    created.full_clean()
    created.save()
    return created


def _product_for(*, business: Business, product: Product | None, data: dict) -> Product:
    if product is not None:
        if product.business_id != business.pk:
            raise ValidationError({"product": _("This product belongs to another business.")})
        return product
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"product_name": _("Fill in the product's name.")})
    existing = business.products.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    category = data.get("category") or CATEGORY_FOR_SECTOR.get(business.sector, Product.Category.NON_FOOD)
    return product_save(product=Product(name=name, category=category, description=data.get("description", "")), business=business)


def counter_intake_create(
    *,
    staff: User,
    channel: str = BookingChannel.COUNTER,
    owner: User | None = None,
    owner_data: dict | None = None,
    business: Business | None = None,
    business_data: dict | None = None,
    product: Product | None = None,
    product_data: dict | None = None,
    photos: list[CleanFile] = (),
    request_data: dict,
    client_uuid: uuid.UUID | None = None,
    visit: Visit | None = None,
    notify_owner: bool = True,
) -> IntakeResult:
    """Take a request on an owner's behalf: find or create the owner (by WhatsApp number), their
    business and product, then submit the request through ``booking_submit`` with ``channel``.

    - ``owner`` or ``owner_data`` = {name, phone, gender?, nik?, consent_given, consent_version?}
    - ``business`` or ``business_data`` = {district, sector, scale?, name?, address?, nib?, turnover_band?}
      (an existing owner's business of that name, or their only business, is reused)
    - ``product`` or ``product_data`` = {name, category?}; ``photos`` are validated ``CleanFile``s
    - ``request_data`` = {service, quantity, notes?, desired_date?}
    - ``client_uuid``: idempotency key; a second call with it returns the first intake unchanged.
    - ``visit``: a guest-book consultation this request comes from (linked to the request).

    The owner is sent a WhatsApp message (outbox) with the tracking link and, for an unclaimed
    account, a one-time claim link. Raises ValidationError with field names on bad input.
    """
    if channel not in OFFICE_CHANNELS:
        raise ValidationError({"channel": _("Choose how the request came in.")})
    if not staff.acts_for_office:
        raise ValidationError({"__all__": _("Only office staff enter requests on an owner's behalf.")})
    if client_uuid is not None:
        done = _existing_intake(client_uuid)
        if done is not None:
            return done
    try:
        with transaction.atomic():
            result = _create(
                staff=staff, channel=channel, owner=owner, owner_data=owner_data or {}, business=business,
                business_data=business_data or {}, product=product, product_data=product_data or {}, photos=photos,
                request_data=request_data, client_uuid=client_uuid, visit=visit, notify_owner=notify_owner,
            )
    except IntegrityError:
        # The same client key arrived twice at once: the other call committed it first.
        done = _existing_intake(client_uuid) if client_uuid is not None else None
        if done is None:
            raise
        return done
    return result


def _existing_intake(client_uuid) -> IntakeResult | None:
    intake = (
        Intake.objects.select_related("booking__business__owner", "booking__product", "booking__service")
        .filter(client_uuid=client_uuid).first()
    )
    if intake is None:
        return None
    booking = intake.booking
    return IntakeResult(
        intake=intake, owner=booking.business.owner, business=booking.business, product=booking.product, booking=booking,
        created_owner=intake.created_owner, claim_url="",
    )


def _create(*, staff, channel, owner, owner_data, business, business_data, product, product_data, photos,
            request_data, client_uuid, visit, notify_owner) -> IntakeResult:
    created_owner = False
    if owner is None:
        if not owner_data.get("phone"):
            raise ValidationError({"phone": _("Fill in the WhatsApp number.")})
        owner, created_owner = owner_find_or_create_by_whatsapp(
            phone=owner_data["phone"], name=owner_data.get("name") or "", staff=staff,
            gender=owner_data.get("gender", ""), nik=owner_data.get("nik", ""),
            consent_given=bool(owner_data.get("consent_given")),
            consent_version=owner_data.get("consent_version") or CONSENT_VERSION,
        )
    elif not owner.is_owner:
        raise ValidationError({"owner": _("Choose an owner.")})
    # One intake of an owner at a time, so two counters cannot both add the same business or product.
    User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).first()
    if owner_data.get("nik") and not owner.nik:
        owner.nik = owner_data["nik"]
        owner.full_clean(exclude=["password", "username"])
        owner.save(update_fields=["nik"])
    business_data = {"gender": owner_data.get("gender", ""), **business_data}
    business = _business_for(owner=owner, business=business, data=business_data)
    product = _product_for(business=business, product=product, data=product_data)
    if photos:
        photos_add(product=product, photos=list(photos))
    booking = booking_submit(
        actor=staff, product=product, service=request_data["service"], quantity=request_data["quantity"],
        desired_date=request_data.get("desired_date"), notes=(request_data.get("notes") or "").strip(), channel=channel,
    )
    intake = Intake.objects.create(
        client_uuid=client_uuid, booking=booking, channel=channel, staff=staff, created_owner=created_owner
    )
    if visit is not None:
        Visit.objects.filter(pk=visit.pk, booking__isnull=True).update(booking=booking, owner=owner)
    claim_url = ""
    if not owner.is_claimed:
        claim_url = absolute_claim_url(claim_link_create(user=owner, actor=staff))
    if notify_owner:
        notify(
            recipient=owner, kind=Notification.Kind.INTAKE_RECEIVED,
            context={"tracking_url": absolute_tracking_url(booking), "claim_url": claim_url, "channel": channel},
            about=booking, link="",
        )
    return IntakeResult(
        intake=intake, owner=owner, business=business, product=product, booking=booking,
        created_owner=created_owner, claim_url=claim_url,
    )


def _is_first_visit(*, owner: User | None, phone: str, before: datetime.datetime) -> bool:
    """First time at the house: no earlier visit of this person and no earlier request of theirs."""
    earlier = Visit.objects.filter(visited_at__lt=before)
    if owner is not None:
        if Booking.objects.filter(business__owner=owner, submitted_at__lt=before).exists():
            return False
        return not earlier.filter(owner=owner).exists() and not (phone and earlier.filter(phone=phone).exists())
    return not (phone and earlier.filter(phone=phone).exists())


def visit_create(
    *,
    staff: User,
    purpose: str,
    owner: User | None = None,
    name: str = "",
    phone: str = "",
    district=None,
    gender: str = "",
    note: str = "",
    duration_minutes: int | None = None,
    channel: str = BookingChannel.COUNTER,
    visited_at: datetime.datetime | None = None,
    client_uuid: uuid.UUID | None = None,
) -> Visit:
    """Log a visit or consultation (buku tamu). An existing owner's details fill the blanks; a
    ``client_uuid`` already seen returns the earlier entry (offline sync sends twice)."""
    if client_uuid is not None:
        existing = Visit.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing
    if purpose not in Visit.Purpose.values:
        raise ValidationError({"purpose": _("Choose the purpose of the visit.")})
    if not staff.acts_for_office:
        raise ValidationError({"__all__": _("Only office staff keep the guest book.")})
    phone = normalize_phone(phone) if phone else ""
    if owner is None and phone:
        owner = owner_for_phone(phone)
    if owner is not None:
        business = owner.businesses.select_related("district").order_by("created_at").first()
        name = name or owner.name
        phone = phone or owner.phone
        gender = gender or (business.owner_gender if business else "")
        district = district or (business.district if business else None)
    if not (name or "").strip():
        raise ValidationError({"name": _("Fill in the visitor's name.")})
    when = visited_at or timezone.now()
    visit = Visit(
        client_uuid=client_uuid, owner=owner, name=name.strip(), phone=phone, district=district, gender=gender,
        purpose=purpose, note=(note or "").strip(), duration_minutes=duration_minutes, channel=channel, staff=staff,
        visited_at=when, is_first_visit=_is_first_visit(owner=owner, phone=phone, before=when),
    )
    visit.full_clean(exclude=["owner", "staff", "booking", "district"])
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        existing = Visit.objects.filter(client_uuid=client_uuid).first() if client_uuid else None
        if existing is None:
            raise
        return existing
    return visit

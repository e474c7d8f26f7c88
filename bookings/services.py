"""Writes to bookings. Views, forms, admin actions and commands call these; nothing else changes a booking."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import events, workflow
from bookings.calendar import add_working_days, holidays_from
from bookings.models import Booking, BookingCounter, ReferenceFile, Service
from bookings.workflow import Status, TransitionError
from core.uploads import CleanFile
from products.models import Product


def format_code(year: int, number: int) -> str:
    return f"{settings.RK_CODE_PREFIX}-{year}-{number:05d}"


def allocate_code(*, year: int) -> str:
    """The next code of the year. Call inside the submitting transaction.

    The counter row is created once (a conflict-ignoring insert: two first submits of a year do
    not fail) and bumped with an UPDATE that takes its row lock until commit, so concurrent
    submits queue on that row instead of reading the same ``MAX()``. ``Booking.code`` is unique as
    a backstop. On SQLite the settings open transactions IMMEDIATE, which serialises writers.
    """
    BookingCounter.objects.bulk_create([BookingCounter(year=year, last_number=0)], ignore_conflicts=True)
    BookingCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = BookingCounter.objects.values_list("last_number", flat=True).get(year=year)
    return format_code(year, number)


def estimate_cost(*, service: Service, quantity: int) -> int:
    if quantity < service.minimum_order:
        raise ValidationError(
            {
                "quantity": _("The minimum order for %(service)s is %(minimum)d.")
                % {"service": service.name, "minimum": service.minimum_order}
            }
        )
    return service.cost_for(quantity)


def booking_submit(
    *,
    actor,
    product: Product,
    service: Service,
    quantity: int,
    desired_date: datetime.date | None = None,
    notes: str = "",
    reference_files: list[CleanFile] = (),
) -> Booking:
    """Create a booking in ``diajukan`` with its code, cost estimate and first event."""
    if product.business.owner_id != actor.pk:
        raise ValidationError({"product": _("Choose one of your own products.")})
    if not service.is_active:
        raise ValidationError({"service": _("This service is not available at the moment.")})
    cost = estimate_cost(service=service, quantity=quantity)
    now = timezone.now()
    today = timezone.localdate(now)
    estimated_finish = add_working_days(today, service.lead_time_days, holidays_from(today))
    with transaction.atomic():
        booking = Booking.objects.create(
            code=allocate_code(year=today.year),
            business=product.business,
            product=product,
            service=service,
            created_by=actor,
            quantity=quantity,
            desired_date=desired_date,
            notes=notes,
            unit_price=0 if service.fee_mode == Service.FeeMode.FREE else service.tariff,
            estimated_cost=cost,
            status=Status.SUBMITTED,
            submitted_at=now,
            estimated_finish=estimated_finish,
        )
        for clean in reference_files:
            ReferenceFile.objects.create(booking=booking, file=clean.content, original_name=clean.original_name[:150])
        events.submitted(booking, actor=actor)
    return booking


# Timestamps a transition sets when it enters a state.
_STAMPS = {Status.VERIFIED: "verified_at"}


def booking_transition(*, booking: Booking, actor, name: str, note: str = "") -> Booking:
    """Apply a workflow transition: checked, saved, and recorded in one transaction.

    Raises TransitionError (with a message for the person) when the move is not allowed now;
    nothing is changed then.
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = Booking.objects.select_for_update().select_related("service", "business").get(pk=booking.pk)
        transition = workflow.check(
            name,
            status=locked.status,
            kind=locked.service.workflow,
            roles=workflow.roles_of(actor),
            is_own=locked.business.owner_id == actor.pk,
        )
        if transition.needs_note and not note:
            raise TransitionError(_("Please fill in: %(what)s.") % {"what": transition.note_label})
        if transition.needs_proof:
            raise TransitionError(_("Upload a proof first."))
        from_status = locked.status
        locked.status = transition.target
        fields = ["status", "updated_at"]
        stamp = _STAMPS.get(transition.target)
        if stamp:
            setattr(locked, stamp, timezone.now())
            fields.append(stamp)
        if transition.target in workflow.TERMINAL:
            locked.closed_at = timezone.now()
            locked.queue_position = None
            fields += ["closed_at", "queue_position"]
        locked.save(update_fields=fields)
        events.record(
            locked, action=transition.name, from_status=from_status, to_status=locked.status, actor=actor, note=note
        )
    return locked

"""The one place where a synced outreach record becomes domain data, through the intake services.

The fields are cleaned with the same forms the offline page renders; then ``counter_intake_create``
(owner found or created by WhatsApp number, business, product, photos, the request submitted with the
channel "outreach") or ``visit_create`` (a guest-book entry) does the work, with the device's UUID as
their idempotency key too."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from bookings.models import BookingChannel
from intake.services import counter_intake_create, visit_create
from outreach.forms import IntakeForm, VisitForm
from outreach.models import OutreachRecord, OutreachTrip


def _clean(form_class, fields: dict) -> dict:
    form = form_class(data=fields)
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form.cleaned_data


# Names the intake services use for a field, mapped to the field of the outreach form.
FIELD_NAMES = {"name": "owner_name", "gender": "owner_gender", "product": "product_name", "purpose": "visit_purpose",
               "note": "visit_note"}


def _renamed(error: ValidationError, fields) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    renamed = {}
    for name, messages in error.message_dict.items():
        target = FIELD_NAMES.get(name, name)
        renamed.setdefault(target if target in fields else "__all__", []).extend(messages)
    return ValidationError(renamed)


def apply_record(*, actor, trip: OutreachTrip, kind: str, fields: dict, photos: list, client_uuid, device_time):
    """Create what the record describes; returns (owner or None, booking or None, visit or None).
    Raises ValidationError keyed by the outreach form's field names."""
    if kind == OutreachRecord.Kind.VISIT:
        data = _clean(VisitForm, fields)
        try:
            visit = visit_create(
                staff=actor, purpose=data["visit_purpose"], name=data["visitor_name"], phone=data["visitor_phone"] or "",
                district=trip.district, gender=data["visitor_gender"], note=data["visit_note"],
                channel=BookingChannel.OUTREACH, visited_at=device_time, client_uuid=client_uuid,
            )
        except ValidationError as error:
            raise _renamed(error, VisitForm.base_fields) from None
        return visit.owner, None, visit
    data = _clean(IntakeForm, fields)
    try:
        result = counter_intake_create(
            staff=actor, channel=BookingChannel.OUTREACH,
            owner_data={"name": data["owner_name"], "phone": data["phone"], "gender": data["owner_gender"],
                        "consent_given": data["consent"]},
            business_data={"name": data["business_name"], "district": data["district"], "sector": data["sector"],
                           "scale": data["scale"], "address": data["address"]},
            product_data={"name": data["product_name"], "category": data["category"]},
            photos=photos,
            request_data={"service": data["service"], "quantity": data["quantity"], "notes": data["notes"]},
            client_uuid=client_uuid,
        )
    except ValidationError as error:
        raise _renamed(error, IntakeForm.base_fields) from None
    return result.owner, result.booking, None

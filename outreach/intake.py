"""The one place where a synced outreach record becomes domain data: owner, business, product, request.

It cleans the fields with the same forms the offline page renders, then hands them to the services
that own each rule (owner found by WhatsApp number, request submitted on the owner's behalf with the
channel "outreach")."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from outreach.forms import IntakeForm, VisitForm
from outreach.models import OutreachRecord, OutreachTrip


def _clean(form_class, fields: dict):
    form = form_class(data=fields)
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form.cleaned_data


def apply_record(*, actor, trip: OutreachTrip, kind: str, fields: dict, photos: list, client_uuid):
    """Create what the record describes; returns (owner or None, booking or None). Raises ValidationError."""
    from outreach import intake_bridge

    if kind == OutreachRecord.Kind.VISIT:
        data = _clean(VisitForm, fields)
        return intake_bridge.visit(actor=actor, trip=trip, data=data, client_uuid=client_uuid)
    if kind != OutreachRecord.Kind.INTAKE:
        raise ValidationError({"__all__": ["unknown kind"]})
    data = _clean(IntakeForm, fields)
    return intake_bridge.intake(actor=actor, trip=trip, data=data, photos=photos, client_uuid=client_uuid)

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from bookings.services import booking_submit, booking_transition, booking_verify
from bookings.workflow import Status, TransitionError
from tests.factories import ProductFactory


def submit(owner, product, service, quantity=200):
    return booking_submit(actor=owner, product=product, service=service, quantity=quantity)


def test_submit_gives_code_cost_status_and_first_event(owner, product, pouch):
    booking = submit(owner, product, pouch, quantity=200)
    year = timezone.localdate().year
    assert booking.code == f"RK-{year}-00001"
    assert booking.estimated_cost == 200 * pouch.tariff == 500_000
    assert booking.status == Status.SUBMITTED
    event = booking.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("submit", "", Status.SUBMITTED, owner)
    assert booking.estimated_finish > timezone.localdate()


def test_codes_follow_each_other(owner, product, pouch):
    codes = [submit(owner, product, pouch).code for _ in range(3)]
    assert [c[-5:] for c in codes] == ["00001", "00002", "00003"]


def test_minimum_order_is_enforced(owner, product, pouch):
    with pytest.raises(ValidationError) as error:
        submit(owner, product, pouch, quantity=99)
    assert "quantity" in error.value.message_dict
    assert not Booking.objects.exists()


def test_free_service_costs_nothing(owner, product):
    from bookings.models import Service

    consult = Service.objects.get(slug="konsultasi-kemasan")
    assert submit(owner, product, consult, quantity=1).estimated_cost == 0


def test_owner_cannot_book_another_owners_product(owner, pouch):
    foreign = ProductFactory()
    with pytest.raises(ValidationError):
        submit(owner, foreign, pouch)


def test_estimated_finish_skips_weekends_and_holidays(owner, product, pouch, monkeypatch):
    from bookings.models import Holiday

    friday = datetime.date(2026, 12, 4)
    Holiday.objects.create(date=datetime.date(2026, 12, 7), name="Uji")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: friday)
    pouch.lead_time_days = 2
    booking = submit(owner, product, pouch)
    # Friday + 2 working days: Monday the 7th is a holiday, so Tuesday 8th and Wednesday 9th.
    assert booking.estimated_finish == datetime.date(2026, 12, 9)


def test_transition_writes_event_in_same_step(owner, staff, product, pouch):
    booking = submit(owner, product, pouch)
    booking = booking_transition(booking=booking, actor=owner, name="cancel", note="Berubah pikiran")
    last = booking.events.last()
    assert (last.action, last.from_status, last.to_status, last.actor) == ("cancel", Status.SUBMITTED, Status.CANCELLED, owner)


def test_special_transitions_cannot_bypass_their_service(owner, staff, product, pouch):
    booking = submit(owner, product, pouch)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=staff, name="verify")
    booking.refresh_from_db()
    assert booking.status == Status.SUBMITTED


def test_verify_is_gated_by_the_services_documents(owner, staff, product, pouch):
    booking = submit(owner, product, pouch)
    with pytest.raises(TransitionError) as error:
        booking_verify(booking=booking, actor=staff)
    assert "P-IRT" in error.value.message
    booking.refresh_from_db()
    assert booking.status == Status.SUBMITTED and booking.events.count() == 1


def test_staff_override_of_the_document_gate_is_recorded(owner, staff, product, pouch):
    booking = booking_verify(booking=submit(owner, product, pouch), actor=staff, override_reason="Izin sedang diproses")
    verify_event = booking.events.get(action="verify")
    assert verify_event.data["override"] == "Izin sedang diproses"
    assert verify_event.data["missing"]
    assert booking.status == Status.QUEUED  # verified requests join the queue at once
    assert booking.events.get(action="enqueue").actor is None  # by the system


def test_invalid_transition_changes_nothing(owner, staff, product, pouch):
    booking = submit(owner, product, pouch)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=staff, name="hand_over")
    booking.refresh_from_db()
    assert booking.status == Status.SUBMITTED
    assert booking.events.count() == 1


def test_cancel_needs_a_reason(owner, product, pouch):
    booking = submit(owner, product, pouch)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=owner, name="cancel", note="  ")
    booking = booking_transition(booking=booking, actor=owner, name="cancel", note="Salah pilih layanan")
    assert booking.status == Status.CANCELLED and booking.closed_at
    assert booking.events.last().note == "Salah pilih layanan"


def test_another_owner_cannot_cancel(owner, other_owner, product, pouch):
    booking = submit(owner, product, pouch)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=other_owner, name="cancel", note="iseng")


def test_events_are_append_only(owner, product, pouch):
    event = submit(owner, product, pouch).events.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert BookingEvent.objects.count() == 1


def test_the_tracking_qr_code_is_drawn_by_a_task_after_commit(owner, product, pouch, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from bookings.tracking import qr_path

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = submit(owner, product, pouch)
    assert not default_storage.exists(qr_path(booking))  # nothing drawn inside the request's transaction
    for callback in callbacks:
        callback()
    with default_storage.open(qr_path(booking)) as handle:
        svg = handle.read()
    assert svg.startswith(b"<svg") and b'id="qr-path"' in svg

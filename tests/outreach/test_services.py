"""The idempotent upsert by the device's key (outreach.services.record_sync), on SQLite and PostgreSQL."""
import datetime
import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import Business, User
from bookings.models import Booking, BookingEvent
from core.uploads import clean_image
from outreach.models import OutreachRecord
from outreach.services import SYNC_ACTION, SyncConflict, record_sync
from tests.outreach.conftest import intake_fields, photo

DEVICE_TIME = datetime.datetime(2026, 11, 30, 1, 15, tzinfo=datetime.UTC)


def sync(staff, trip, key, fields=None, photos=(), kind="intake"):
    raw = list(photos)
    return record_sync(
        actor=staff, trip=trip, client_uuid=key, kind=kind, fields=fields or intake_fields(), device_time=DEVICE_TIME,
        device_time_text=DEVICE_TIME.isoformat(), photo_bytes=raw,
        photos=[clean_image(SimpleUploadedFile("f.jpg", data, "image/jpeg")) for data in raw],
    )


@pytest.mark.django_db
def test_identical_resend_is_answered_with_the_same_booking(staff, trip):
    key = uuid.uuid4()
    first = sync(staff, trip, key, photos=[photo()])
    second = sync(staff, trip, key, photos=[photo()])
    assert first.ok and first.created
    assert second.ok and not second.created
    assert second.record.booking_id == first.record.booking_id
    assert Booking.objects.count() == 1
    assert OutreachRecord.objects.get().attempts == 2
    assert first.record.booking.product.photos.count() == 1


@pytest.mark.django_db
def test_same_key_with_other_content_is_a_conflict(staff, trip):
    key = uuid.uuid4()
    sync(staff, trip, key)
    with pytest.raises(SyncConflict):
        sync(staff, trip, key, fields=intake_fields(quantity="2"))
    with pytest.raises(SyncConflict):
        sync(staff, trip, key, photos=[photo()])  # the photos are part of the content
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_a_record_that_failed_validation_can_come_back_corrected(staff, trip):
    key = uuid.uuid4()
    bad = sync(staff, trip, key, fields=intake_fields(phone="12345"))
    assert not bad.ok and "phone" in bad.errors
    assert Booking.objects.count() == 0 and User.objects.filter(groups__name="owner").count() == 0
    assert OutreachRecord.objects.get().status == OutreachRecord.Status.FAILED
    good = sync(staff, trip, key)
    assert good.ok and Booking.objects.count() == 1


@pytest.mark.django_db
def test_synced_booking_carries_the_device_time_and_the_sync_time(staff, trip):
    result = sync(staff, trip, uuid.uuid4())
    event = BookingEvent.objects.get(booking=result.record.booking, action=SYNC_ACTION)
    assert event.data["device_time"] == DEVICE_TIME.isoformat()
    assert event.data["synced_at"] == result.record.synced_at.isoformat()
    assert event.data["trip"] == str(trip.public_id)
    assert event.actor == staff


@pytest.mark.django_db
def test_booking_channel_is_outreach_and_linked_to_the_trip(staff, trip):
    booking = sync(staff, trip, uuid.uuid4()).record.booking
    assert booking.channel == "outreach" and booking.entered_by == staff
    assert booking.outreach_record.trip == trip


@pytest.mark.django_db
def test_new_owner_needs_consent_given_in_person(staff, trip):
    result = sync(staff, trip, uuid.uuid4(), fields=intake_fields(consent=""))
    assert not result.ok and "consent" in result.errors


@pytest.mark.django_db
def test_guest_book_entry_is_idempotent_too(staff, trip):
    from intake.models import Visit

    fields = {"visitor_name": "Bapak Frans", "visitor_phone": "0813 4444 5555", "visitor_gender": "male",
              "visit_purpose": "pirt", "visit_note": "Tanya P-IRT"}
    key = uuid.uuid4()
    first = sync(staff, trip, key, fields=fields, kind="visit")
    again = sync(staff, trip, key, fields=fields, kind="visit")
    assert first.ok and not again.created
    visit = Visit.objects.get()
    assert visit.channel == "outreach" and visit.district == trip.district and visit.visited_at == DEVICE_TIME
    assert first.record.visit == visit and first.record.booking is None


@pytest.mark.django_db
def test_second_device_with_the_same_whatsapp_number_attaches_to_the_same_owner(staff, trip):
    sync(staff, trip, uuid.uuid4())
    sync(staff, trip, uuid.uuid4(), fields=intake_fields(phone="+6281277771234", product_name="Bagea kenari"))
    assert User.objects.filter(phone="+6281277771234").count() == 1
    assert Booking.objects.count() == 2
    assert Business.objects.count() == 1


def _race(target, count=2):
    errors, barrier = [], threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_with_the_same_key_make_one_record(reference_rows, staff, trip):
    key = uuid.uuid4()
    errors = _race(lambda i: sync(staff, trip, key))
    assert errors == []
    assert OutreachRecord.objects.count() == 1
    assert OutreachRecord.objects.get().attempts == 2
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_devices_with_the_same_number_at_once_make_one_owner(reference_rows, staff, trip):
    errors = _race(lambda i: sync(staff, trip, uuid.uuid4(), fields=intake_fields(product_name=f"Produk {i}")))
    assert errors == []
    assert User.objects.filter(phone="+6281277771234").count() == 1
    assert Booking.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_with_the_same_key_make_one_record_on_postgresql(reference_rows, staff, trip):
    assert connection.vendor == "postgresql"
    test_two_threads_with_the_same_key_make_one_record(reference_rows, staff, trip)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_devices_with_the_same_number_at_once_make_one_owner_on_postgresql(reference_rows, staff, trip):
    assert connection.vendor == "postgresql"
    test_two_devices_with_the_same_number_at_once_make_one_owner(reference_rows, staff, trip)

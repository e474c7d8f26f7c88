"""The sync endpoint (JSON, staff session, CSRF), the trip pages and the service worker's headers."""
import json
import uuid

import pytest
from django.test import Client

from bookings.models import Booking
from outreach.models import OutreachRecord
from tests.outreach.conftest import intake_fields, photo, record_post


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_sync_answers_per_record_and_resend_is_a_success(staff_client, trip):
    key = uuid.uuid4()
    first = record_post(staff_client, trip, key=key, photos=[photo()])
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "synced" and first.json()["duplicate"] is False
    again = record_post(staff_client, trip, key=key, photos=[photo()])
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["booking"] == first.json()["booking"]
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_same_key_other_content_is_409(staff_client, trip):
    key = uuid.uuid4()
    record_post(staff_client, trip, key=key)
    answer = record_post(staff_client, trip, key=key, fields=intake_fields(quantity="3"))
    assert answer.status_code == 409
    assert answer.json()["status"] == "conflict" and answer.json()["message"]


@pytest.mark.django_db
def test_validation_errors_come_back_by_field_in_indonesian(staff_client, trip):
    answer = record_post(staff_client, trip, fields=intake_fields(phone="123", owner_name=""))
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert set(errors) == {"phone", "owner_name"}
    assert "Masukkan nomor ponsel Indonesia" in errors["phone"][0] or "nomor" in errors["phone"][0].lower()
    assert OutreachRecord.objects.get().status == OutreachRecord.Status.FAILED


@pytest.mark.django_db
def test_malformed_record_is_400(staff_client, trip):
    answer = staff_client.post(f"/jemput-bola/{trip.public_id}/kirim/", {"record": "{not json"})
    assert answer.status_code == 400


@pytest.mark.django_db
def test_expired_session_gets_401_json_not_a_redirect(client, trip):
    answer = record_post(client, trip)
    assert answer.status_code == 401 and answer.json()["status"] == "signin"
    assert client.get("/jemput-bola/sesi/").json() == {"signed_in": False, "csrf": "", "name": ""}


@pytest.mark.django_db
def test_owner_cannot_sync(owner_client, trip):
    assert record_post(owner_client, trip).status_code == 403


@pytest.mark.django_db
def test_sync_needs_the_csrf_token_from_the_session_endpoint(staff, trip):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert record_post(client, trip).status_code == 403
    token = client.get("/jemput-bola/sesi/").json()["csrf"]
    body = {"record": json.dumps({"id": str(uuid.uuid4()), "kind": "intake", "fields": intake_fields(),
                                  "device_time": "2026-11-30T10:00:00+09:00"})}
    answer = client.post(f"/jemput-bola/{trip.public_id}/kirim/", body, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 200, answer.content


@pytest.mark.django_db
def test_service_worker_is_served_for_its_scope_and_not_cached(client):
    answer = client.get("/jemput-bola/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert answer["Cache-Control"] == "no-cache"
    body = answer.content.decode()
    assert "/static/vendor/workbox/workbox-core.prod.js" in body
    assert "http" not in body.split("*/", 1)[1]  # nothing from another host
    manifest = client.get("/jemput-bola/manifest.webmanifest").json()
    assert manifest["start_url"] == "/jemput-bola/aplikasi/" and manifest["scope"] == "/jemput-bola/"


@pytest.mark.django_db
def test_trip_pages_show_collected_synced_and_failed(staff_client, trip, django_assert_num_queries):
    record_post(staff_client, trip)
    record_post(staff_client, trip, fields=intake_fields(phone="1"))
    page = staff_client.get(trip.get_absolute_url())
    assert page.status_code == 200
    assert page.context["trip"].synced == 1 and page.context["trip"].failed == 1
    # session, user, their groups; the trip with its counts; its team; the records with their bookings;
    # the unread-notification badge of the navigation bar — the same with more records.
    with django_assert_num_queries(7):
        staff_client.get(trip.get_absolute_url())
    record_post(staff_client, trip, fields=intake_fields(phone="0813 1111 2222"))
    with django_assert_num_queries(7):
        staff_client.get(trip.get_absolute_url())
    data = staff_client.get(f"/jemput-bola/{trip.public_id}/data.json").json()
    assert data["trip"]["district_name"] == "Kepulauan Aru"
    assert "08127771234" in data["owners"] or "081277771234" in data["owners"]


@pytest.mark.django_db
def test_create_a_trip(staff_client, staff):
    from accounts.models import District

    answer = staff_client.post("/jemput-bola/baru/", {
        "district": District.objects.get(name="Buru").pk, "place": "Namlea", "starts_on": "2026-12-01",
        "ends_on": "2026-11-30", "team": [staff.pk], "target": 10,
    })
    assert answer.status_code == 200 and "ends_on" in answer.context["form"].errors


@pytest.mark.django_db
def test_a_nul_character_is_a_bad_request(staff_client, trip):
    answer = record_post(staff_client, trip, fields=intake_fields(notes="a\x00b"))
    assert answer.status_code == 400 and not OutreachRecord.objects.exists()

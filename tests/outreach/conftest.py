import datetime
import io
import json
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import District
from outreach.models import OutreachTrip


@pytest.fixture
def reference_rows(transactional_db):
    """Roles, regions and the catalogue for tests outside the test transaction: an earlier transactional
    test (the browser tests) may have flushed them, so the (idempotent) data migrations run again."""
    import importlib

    from django.apps import apps

    importlib.import_module("accounts.migrations.0003_roles_and_districts").forwards(apps, None)
    importlib.import_module("bookings.migrations.0002_catalogue_and_holidays").forwards(apps, None)


@pytest.fixture
def trip(staff):
    today = timezone.localdate()
    trip = OutreachTrip.objects.create(
        district=District.objects.get(name="Kepulauan Aru"), place="Dobo, Kec. Pulau-Pulau Aru", starts_on=today,
        ends_on=today + datetime.timedelta(days=3), target=20, created_by=staff,
    )
    trip.team.add(staff)
    return trip


def intake_fields(**overrides) -> dict:
    fields = {
        "owner_name": "Mama Yosina", "phone": "0812 7777 1234", "owner_gender": "female", "business_name": "Sagu Yosina",
        "district": str(District.objects.get(name="Kepulauan Aru").pk), "address": "Desa Wangel, Dobo", "sector": "food",
        "scale": "mikro", "product_name": "Sagu lempeng", "category": "food", "service": "desain-kemasan", "quantity": "1",
        "notes": "", "consent": "on",
    }
    fields.update(overrides)
    return fields


def photo(colour="#c9a66b") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="JPEG")
    return out.getvalue()


def record_post(client, trip, *, key=None, fields=None, kind="intake", photos=(), device_time="2026-11-30T10:15:00+09:00"):
    """POST one record as the device does (multipart: the record as JSON, the photos as files)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    key = key or uuid.uuid4()
    body = {"record": json.dumps({"id": str(key), "kind": kind, "fields": fields or intake_fields(), "device_time": device_time})}
    if photos:
        body["photos"] = [SimpleUploadedFile(f"foto-{i}.jpg", data, "image/jpeg") for i, data in enumerate(photos)]
    return client.post(f"/jemput-bola/{trip.public_id}/kirim/", body, HTTP_ACCEPT="application/json")

"""Writes of the outreach app: trips, and the idempotent sync of what the devices collected.

``record_sync`` is the one door for a device's record. It is keyed by the UUID the device made:

* the key is claimed first (a conflict-ignoring insert, then the row is locked until commit), so two
  requests with the same key, from two threads or two devices, queue on that row and the second one
  finds the first one's result;
* a record already synced answers the same result again when the content is identical, and refuses a
  different content under its key (``SyncConflict``, HTTP 409);
* a record that fails validation is stored as failed with its errors, and may come back corrected
  under the same key;
* the owner, business, product and request (or a guest-book entry) are created by the intake services
  (outreach.records), which find an owner by WhatsApp number, so a second device sending the same number
  attaches to the same owner.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import events
from core.uploads import CleanFile
from outreach.models import OutreachRecord, OutreachTrip
from outreach.records import apply_record  # the intake services, behind one adapter

SYNC_ACTION = "outreach_sync"


class SyncConflict(Exception):
    """The key is already used by a record with a different content."""


@dataclass
class SyncResult:
    record: OutreachRecord
    created: bool  # False: an identical resend, answered with the stored result
    errors: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.record.status == OutreachRecord.Status.SYNCED


def trip_save(*, trip: OutreachTrip, actor=None, team=None) -> OutreachTrip:
    """Create (with ``actor``) or update a trip from a validated form instance."""
    with transaction.atomic():
        if trip.pk is None:
            trip.created_by = actor
        trip.full_clean(exclude=["created_by"] if trip.created_by_id else None)
        trip.save()
        if team is not None:
            trip.team.set(team)
    return trip


def content_hash(*, kind: str, fields: dict, device_time: str, photos: list[bytes]) -> str:
    """A fingerprint of a record as sent: its fields (canonical JSON) and the bytes of its photos."""
    digest = hashlib.sha256()
    canonical = json.dumps({"kind": kind, "fields": fields, "device_time": device_time}, sort_keys=True, ensure_ascii=False)
    digest.update(canonical.encode())
    for photo in photos:
        digest.update(hashlib.sha256(photo).digest())
    return digest.hexdigest()


def _claim(*, client_uuid, trip: OutreachTrip, kind: str, device_time: datetime.datetime, actor) -> OutreachRecord:
    """The record row for this key, locked until commit (created empty when the key is new)."""
    OutreachRecord.objects.bulk_create(
        [OutreachRecord(client_uuid=client_uuid, trip=trip, kind=kind, status=OutreachRecord.Status.FAILED,
                        content_hash="", device_time=device_time, sent_by=actor, attempts=0)],
        ignore_conflicts=True,
    )
    return OutreachRecord.objects.select_for_update().get(client_uuid=client_uuid)


def record_sync(
    *, actor, trip: OutreachTrip, client_uuid, kind: str, fields: dict, device_time: datetime.datetime,
    device_time_text: str, photos: list[CleanFile] = (), photo_bytes: list[bytes] = (),
) -> SyncResult:
    """Store one record sent by a device, exactly once per key. See the module's docstring."""
    fingerprint = content_hash(kind=kind, fields=fields, device_time=device_time_text, photos=list(photo_bytes))
    now = timezone.now()
    with transaction.atomic():
        record = _claim(client_uuid=client_uuid, trip=trip, kind=kind, device_time=device_time, actor=actor)
        if record.trip_id != trip.pk:
            raise SyncConflict(_("This record belongs to another trip."))
        if record.status == OutreachRecord.Status.SYNCED:
            if record.content_hash != fingerprint:
                raise SyncConflict(_("A different record was already sent under this key."))
            record.attempts += 1
            record.save(update_fields=["attempts", "updated_at"])
            return SyncResult(record=record, created=False)
        record.kind, record.content_hash, record.payload = kind, fingerprint, fields
        record.device_time, record.sent_by = device_time, actor
        record.attempts += 1
        try:
            with transaction.atomic():  # a savepoint: a failed intake leaves nothing half-made
                owner, booking, visit = apply_record(actor=actor, trip=trip, kind=kind, fields=fields,
                                                     photos=list(photos), client_uuid=client_uuid, device_time=device_time)
                record.owner, record.booking, record.visit = owner, booking, visit
                record.status, record.synced_at, record.errors = OutreachRecord.Status.SYNCED, now, {}
                record.save()
                if booking is not None:
                    events.record(
                        booking, action=SYNC_ACTION, from_status=booking.status, to_status=booking.status, actor=actor,
                        data={"trip": str(trip.public_id), "client_uuid": str(client_uuid),
                              "device_time": device_time.isoformat(), "synced_at": now.isoformat()},
                    )
        except ValidationError as error:
            record.status, record.synced_at = OutreachRecord.Status.FAILED, None
            record.errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            record.owner, record.booking, record.visit = None, None, None
            record.save()
            return SyncResult(record=record, created=True, errors=record.errors)
    return SyncResult(record=record, created=True)

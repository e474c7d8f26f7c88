"""Outreach trips (jemput bola) and the records their devices send, keyed by a UUID made on the device."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from core.models import TimeStampedModel


class OutreachTrip(TimeStampedModel):
    """A staff trip to one kabupaten/kota to take intake where the owners are."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="outreach_trips", verbose_name=_("regency/city")
    )
    place = models.CharField(_("place (kecamatan/desa)"), max_length=150)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="outreach_trips", verbose_name=_("staff team"))
    target = models.PositiveIntegerField(_("target number of UMKM"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("outreach trip")
        verbose_name_plural = _("outreach trips")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="trip_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.district} · {self.place} ({self.starts_on:%d-%m-%Y})"

    def get_absolute_url(self):
        return reverse("outreach:trip_detail", kwargs={"public_id": self.public_id})


class OutreachRecord(TimeStampedModel):
    """One intake or guest-book entry sent by a device, stored under the device's UUID (the idempotency key).

    ``content_hash`` fingerprints what was sent (fields and photos): a resend with the same hash is the
    same record; a different content under a key already synced is a conflict. A record that failed
    validation keeps its errors and may be sent again, corrected, under the same key.
    """

    class Kind(models.TextChoices):
        INTAKE = "intake", _("Request")
        VISIT = "visit", _("Guest book")

    class Status(models.TextChoices):
        SYNCED = "synced", _("Synced")
        FAILED = "failed", _("Needs correction")

    client_uuid = models.UUIDField(_("device key"), unique=True)
    trip = models.ForeignKey(OutreachTrip, on_delete=models.PROTECT, related_name="records", verbose_name=_("trip"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    content_hash = models.CharField(_("content fingerprint"), max_length=64)
    payload = models.JSONField(_("data sent"), default=dict)
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    device_time = models.DateTimeField(_("entered on the device at"))
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("owner"),
    )
    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="outreach_record",
        verbose_name=_("request"),
    )
    visit = models.OneToOneField(
        "intake.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="outreach_record",
        verbose_name=_("guest-book entry"),
    )
    attempts = models.PositiveIntegerField(_("times received"), default=1)

    class Meta:
        ordering = ["-device_time", "-id"]
        verbose_name = _("outreach record")
        verbose_name_plural = _("outreach records")
        indexes = [models.Index(fields=["trip", "status"], name="outreach_record_trip_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="synced") | Q(synced_at__isnull=False), name="outreach_synced_has_time"
            ),
        ]

    def __str__(self):
        return str(self.client_uuid)

    @property
    def is_synced(self) -> bool:
        return self.status == self.Status.SYNCED

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Business, District
from bookings.models import Booking, BookingChannel


class Intake(models.Model):
    """One request taken on an owner's behalf (counter, WhatsApp or outreach trip).

    ``client_uuid`` is the idempotency key of a device that may send the same intake twice (offline
    outreach sync, a double click at the counter): the second call returns the first intake.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_uuid = models.UUIDField(_("client key"), null=True, blank=True, unique=True)
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="intake", verbose_name=_("request"))
    channel = models.CharField(_("channel"), max_length=10, choices=BookingChannel.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff"))
    created_owner = models.BooleanField(_("new owner entered"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self):
        return f"{self.booking_id} ({self.channel})"


class Visit(models.Model):
    """A guest-book entry (buku tamu): a visit or consultation that is not (yet) a request."""

    class Purpose(models.TextChoices):
        DESIGN = "design", _("Design consultation")
        INFORMATION = "information", _("Service information")
        NIB = "nib", _("Legality help: NIB")
        PIRT = "pirt", _("Legality help: P-IRT")
        HALAL = "halal", _("Legality help: halal")
        TRADEMARK = "trademark", _("Legality help: trademark")
        COLLECT = "collect", _("Collecting goods")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_uuid = models.UUIDField(_("client key"), null=True, blank=True, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("visitor's name"), max_length=150)
    phone = models.CharField(_("WhatsApp number"), max_length=16, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("regency/city")
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Business.Gender.choices, blank=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    note = models.TextField(_("note"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=BookingChannel.choices, default=BookingChannel.COUNTER)
    is_first_visit = models.BooleanField(_("first visit"), default=False)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff"))
    visited_at = models.DateTimeField(_("time"), db_index=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit", verbose_name=_("request made")
    )

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("guest-book entry")
        verbose_name_plural = _("guest book")
        indexes = [
            models.Index(fields=["phone", "visited_at"], name="visit_phone_time"),
            models.Index(fields=["purpose", "visited_at"], name="visit_purpose_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=600), name="visit_duration_bounded"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_purpose_display()})"

    @property
    def is_consultation(self) -> bool:
        return self.booking_id is None and self.purpose != self.Purpose.COLLECT

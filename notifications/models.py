from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "inapp", _("In the app")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Notification(models.Model):
    """One message to one person on one channel: the outbox row.

    Written in the same transaction as the change that causes it; delivered by a Celery task after
    commit. ``status`` moves pending → sent (or failed after the last retry) exactly once, under a
    row lock, so a task that runs twice sends once.
    """

    class Kind(models.TextChoices):
        """What a message is about; each kind has ``templates/notifications/messages/<kind>.txt``
        (subject on the first line). Code passes members (``Notification.Kind.PROOF_SENT``), never
        strings: a misspelling fails at import, and tests/notifications/test_kinds.py renders every
        kind in both languages and checks that every call names a member."""

        BOOKING_STATUS = "booking_status", _("Request status changed")
        PROOF_SENT = "proof_sent", _("Proof sent")
        QUEUE_NEAR = "queue_near", _("Near the front of the queue")
        ESTIMATE_SLIPPED = "estimate_slipped", _("Estimated date moved")
        SURVEY_INVITE = "survey_invite", _("Satisfaction survey invitation")
        PROOF_REMINDER = "proof_reminder", _("Proof approval reminder")
        PICKUP_REMINDER = "pickup_reminder", _("Pick-up reminder")
        STAFF_NEW_REQUEST = "staff_new_request", _("New request (staff)")
        STAFF_DATA_COMPLETED = "staff_data_completed", _("Data completed (staff)")
        STAFF_REVISION_REQUESTED = "staff_revision_requested", _("Revision requested (staff)")
        STAFF_DIGEST = "staff_digest", _("Morning digest (staff)")
        DATA_DELETION_REQUEST = "data_deletion_request", _("Data deletion request (admins)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("booking"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["status", "created_at"], name="notification_pending"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="sent") | Q(sent_at__isnull=True), name="notification_sent_at_only_when_sent"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"

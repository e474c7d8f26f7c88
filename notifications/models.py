from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "inapp", _("In the app")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class DeliveryStatus(models.TextChoices):
    """What the provider says about a message it accepted. Statuses only move forward (see RANK)."""

    ACCEPTED = "accepted", _("Accepted by the provider")
    SENT = "sent", _("Sent to the phone")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Not delivered")


# Forward order of provider statuses; "failed" can follow accepted or sent but not a delivery.
DELIVERY_RANK = {
    DeliveryStatus.ACCEPTED: 1, DeliveryStatus.SENT: 2, DeliveryStatus.FAILED: 3,
    DeliveryStatus.DELIVERED: 4, DeliveryStatus.READ: 5,
}


class Notification(models.Model):
    """One message to one person on one channel: the outbox row, the source of truth for delivery.

    Written in the same transaction as the change that causes it. Delivery (notifications/services.py)
    never holds a transaction over the network: it claims the row with one conditional UPDATE (status
    ``sending``, a fresh ``attempt_id``, ``lease_until``), calls the gateway with no transaction open,
    then records the result in another short transaction, only if the attempt id is still its own.
    A timeout leaves the outcome unknown (``unconfirmed``): before any resend the provider is asked.
    ``next_attempt_at`` is when the relay may publish the row (again): now for a row a request could
    not publish, the backoff for a retry, the lease's end for a row being sent.
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
        INTAKE_RECEIVED = "intake_received", _("Request received at the counter or on a trip")
        WHATSAPP_CODE = "whatsapp_code", _("One-time WhatsApp code")
        PASSWORD_RESET = "password_reset", _("Password reset link")
        QUOTATION_ISSUED = "quotation_issued", _("Quotation ready")
        PAYMENT_RECEIVED = "payment_received", _("Payment received")
        TRANSFER_SUBMITTED = "transfer_submitted", _("Transfer to confirm (treasurer)")
        TRANSFER_REJECTED = "transfer_rejected", _("Transfer not confirmed")
        REFUND_DUE = "refund_due", _("Refund due (treasurer)")
        LOW_STOCK = "low_stock", _("Low stock (staff)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        UNCONFIRMED = "unconfirmed", _("Outcome unknown")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # What the message is about (a booking, a quotation…), named generically: the outbox knows no
    # app above it. The subject's model declares a GenericRelation, which deletes its messages with
    # it and lets it be queried by name (``Notification.objects.filter(booking=…)``).
    about_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("about (type)"),
    )
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("One-time codes and the like: delivered from their own queue, first."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    attempt_id = models.UUIDField(_("attempt"), null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=128, blank=True)
    provider_status = models.CharField(_("provider status"), max_length=10, choices=DeliveryStatus.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["about_type", "about_id"], name="notification_about"),
            models.Index(fields=["status", "created_at"], name="notification_pending"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["provider_message_id"], name="notification_provider_id", condition=~Q(provider_message_id="")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="sent") | Q(sent_at__isnull=True), name="notification_sent_at_only_when_sent"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"

    @property
    def reference(self) -> str:
        """Our name for this message at the provider (and the local part of the email Message-ID)."""
        return f"rk-notification-{self.pk}"

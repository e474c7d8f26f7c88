"""Money of the house: per-service payment rules and quotas, quotations, the ledger and receipts.

Every rupiah that moves is one immutable ``LedgerEntry``; a mistake is corrected by a new entry that
reverses it. Amounts are integers (Rupiah has no minor unit in practice).
"""
import math
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Service

QRIS_CAP = 10_000_000  # Rupiah per QRIS transaction (Bank Indonesia's cap for QRIS payments)


class PaymentRule(models.Model):
    """How one service is paid: who receives the money, when production may start, quota and subsidy."""

    class Payee(models.TextChoices):
        FREE = "free", _("Nobody (free service)")
        LEVY = "levy", _("Regional treasury (retribusi, set by regional regulation)")
        PARTNER = "partner", _("Partner cooperative or supplier")

    class StartRule(models.TextChoices):
        FULL = "full", _("Paid in full")
        DOWN_PAYMENT = "down_payment", _("Down payment of at least N %")
        FREE = "free", _("No payment needed")

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="payment_rule", verbose_name=_("service")
    )
    payee = models.CharField(_("paid to"), max_length=10, choices=Payee.choices, default=Payee.FREE)
    payee_name = models.CharField(
        _("payee name"), max_length=150, blank=True, help_text=_("The cooperative, supplier or regional treasury account.")
    )
    regulation = models.CharField(
        _("regional regulation"), max_length=150, blank=True, help_text=_("The regulation (perda) that sets the levy tariff.")
    )
    bank_account = models.CharField(_("bank account for transfers"), max_length=150, blank=True)
    billing_prefix = models.CharField(
        _("billing code prefix"), max_length=20, blank=True, help_text=_("Levy only: billing codes are this prefix plus the request code.")
    )
    start_rule = models.CharField(_("production may start when"), max_length=15, choices=StartRule.choices, default=StartRule.FREE)
    down_payment_percent = models.PositiveSmallIntegerField(_("down payment (%)"), default=50)
    subsidy_percent = models.PositiveSmallIntegerField(
        _("subsidy (%)"), default=0, help_text=_("Share of the price the office pays for requests within the quota.")
    )
    quota_units = models.PositiveIntegerField(
        _("yearly quota (units per UMKM)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    quota_requests = models.PositiveIntegerField(
        _("yearly quota (requests per UMKM)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )

    class Meta:
        verbose_name = _("payment rule")
        verbose_name_plural = _("payment rules")
        constraints = [
            models.CheckConstraint(condition=Q(down_payment_percent__lte=100), name="rule_down_payment_percent"),
            models.CheckConstraint(condition=Q(subsidy_percent__lte=100), name="rule_subsidy_percent"),
            models.CheckConstraint(condition=~Q(payee="free") | Q(start_rule="free"), name="rule_free_starts_free"),
        ]

    def __str__(self):
        return f"{self.service}: {self.get_payee_display()}"

    def required_before_start(self, total: int) -> int:
        """Rupiah that must be paid before production may start."""
        if self.start_rule == self.StartRule.FREE or total <= 0:
            return 0
        if self.start_rule == self.StartRule.FULL:
            return total
        return math.ceil(total * self.down_payment_percent / 100)


class Quotation(models.Model):
    """One version of a booking's confirmed price (penawaran). A changed quantity makes a new version."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    class AcceptedVia(models.TextChoices):
        APP = "app", _("In the app")
        COUNTER = "counter", _("At the counter")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="quotations", verbose_name=_("booking"))
    version = models.PositiveSmallIntegerField(_("version"))
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.PositiveIntegerField(_("tariff per unit (Rp)"))
    subtotal = models.PositiveBigIntegerField(_("subtotal (Rp)"))
    subsidy = models.PositiveBigIntegerField(_("subsidy (Rp)"), default=0)
    extras_description = models.CharField(_("extra materials"), max_length=200, blank=True)
    extras_amount = models.PositiveBigIntegerField(_("extra materials (Rp)"), default=0)
    total = models.PositiveBigIntegerField(_("total to pay (Rp)"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OFFERED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("prepared by")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )
    accepted_via = models.CharField(_("accepted"), max_length=10, choices=AcceptedVia.choices, blank=True)

    class Meta:
        ordering = ["booking", "-version"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        constraints = [
            models.UniqueConstraint(fields=["booking", "version"], name="quotation_unique_version"),
            models.UniqueConstraint(
                fields=["booking"], condition=~Q(state="superseded"), name="quotation_one_current_per_booking"
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") - models.F("subsidy") + models.F("extras_amount")),
                name="quotation_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(subsidy__lte=models.F("subtotal")), name="quotation_subsidy_within_subtotal"),
        ]

    def __str__(self):
        return f"{self.booking} v{self.version}"

    @property
    def is_accepted(self) -> bool:
        return self.state == self.State.ACCEPTED


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    QRIS = "qris", _("QRIS")


class LedgerEntry(models.Model):
    """One money movement of a booking. Immutable: corrected only by a reversing entry.

    ``amount`` is signed: a payment is positive, a refund negative, a reversal the opposite of the
    entry it reverses. ``business_day`` is the treasurer's day the entry belongs to (closed days take no
    new entries). Payments and refunds carry a receipt number (kuitansi) unique per year.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        REVERSAL = "reversal", _("Reversal (correction)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("booking"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    amount = models.BigIntegerField(_("amount (Rp)"))
    business_day = models.DateField(_("day"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    payer_name = models.CharField(_("received from"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    external_ref = models.CharField(
        _("gateway reference"), max_length=100, null=True, blank=True, unique=True,
        help_text=_("The provider's transaction id: a replayed notification finds it and records nothing."),
    )
    claim = models.OneToOneField(
        "TransferClaim", on_delete=models.PROTECT, null=True, blank=True, related_name="entry", verbose_name=_("transfer proof")
    )
    receipt_year = models.PositiveSmallIntegerField(_("receipt year"), null=True, blank=True)
    receipt_number = models.PositiveIntegerField(_("receipt number"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            # Covers the cash book (sum of amount per day and method) without reading the table.
            models.Index(fields=["business_day", "method", "amount"], name="ledger_day_method_amount"),
            models.Index(fields=["booking", "recorded_at"], name="ledger_booking_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(condition=~Q(kind="payment") | Q(amount__gt=0), name="ledger_payment_positive"),
            models.CheckConstraint(condition=~Q(kind="refund") | Q(amount__lt=0), name="ledger_refund_negative"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_reversal_names_entry",
            ),
            models.CheckConstraint(
                condition=~Q(method="qris") | Q(amount__lte=QRIS_CAP, amount__gte=-QRIS_CAP), name="ledger_qris_cap"
            ),
            models.UniqueConstraint(
                fields=["receipt_year", "receipt_number"], condition=Q(receipt_number__isnull=False),
                name="ledger_unique_receipt_number",
            ),
        ]

    def __str__(self):
        return f"{self.booking_id} {self.kind} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are immutable; record a reversing entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are immutable; record a reversing entry instead.")

    @property
    def is_refund(self) -> bool:
        return self.kind == self.Kind.REFUND

    @property
    def is_reversal(self) -> bool:
        return self.kind == self.Kind.REVERSAL

    @property
    def receipt_code(self) -> str:
        if self.receipt_number is None:
            return ""
        return f"KW-{self.receipt_year}-{self.receipt_number:05d}"


class ReceiptCounter(models.Model):
    """The last receipt number of a year; bumped inside the recording transaction (as booking codes)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


def transfer_proof_upload_to(instance, filename):
    return f"payments/proofs/{filename}"


class TransferClaim(models.Model):
    """A transfer (or regional-bank QRIS) the owner says they made, with the proof, until staff decide."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="transfer_claims", verbose_name=_("booking"))
    amount = models.PositiveBigIntegerField(_("amount transferred (Rp)"))
    paid_on = models.DateField(_("transfer date"))
    payer_name = models.CharField(_("account holder"), max_length=150)
    proof = models.FileField(_("proof of transfer"), upload_to=transfer_proof_upload_to)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("transfer proof")
        verbose_name_plural = _("transfer proofs")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="claim_amount_positive")]

    def __str__(self):
        return f"{self.booking_id} {self.amount}"


class GatewayCharge(models.Model):
    """A QRIS charge asked of the payment gateway; paid when its signed notification arrives."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired or failed")

    order_id = models.CharField(_("order id"), max_length=64, unique=True)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="gateway_charges", verbose_name=_("booking"))
    provider = models.CharField(_("provider"), max_length=20)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    qr_string = models.TextField(_("QR payload"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("QRIS charge")
        verbose_name_plural = _("QRIS charges")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0, amount__lte=QRIS_CAP), name="charge_within_qris_cap"),
        ]

    def __str__(self):
        return self.order_id


class WebhookLog(models.Model):
    """Every notification a gateway sent, verified or not (for the treasurer's audit)."""

    provider = models.CharField(_("provider"), max_length=20)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    verified = models.BooleanField(_("signature valid"))
    outcome = models.CharField(_("outcome"), max_length=40)
    body = models.TextField(_("body"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("gateway notification")
        verbose_name_plural = _("gateway notifications")

    def __str__(self):
        return f"{self.provider} {self.received_at:%Y-%m-%d %H:%M} {self.outcome}"


class DayClose(models.Model):
    """A treasurer's day, closed: no entry may be added to it; mistakes are reversed on a later day.

    Its totals per method and its number of entries are kept here when it closes; as the day can no
    longer change, the cash book reads closed days from these rows and sums the ledger only for open days.
    """

    day = models.DateField(_("day"), unique=True)
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by"))
    totals = models.JSONField(_("totals per method"), default=dict)
    entries = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


class QuotaUse(models.Model):
    """Units of a service's yearly quota a booking used, recorded at verification (with any override)."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="quota_use", verbose_name=_("booking"))
    business = models.ForeignKey(
        "accounts.Business", on_delete=models.PROTECT, related_name="quota_uses", verbose_name=_("business")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="quota_uses", verbose_name=_("service"))
    year = models.PositiveSmallIntegerField(_("year"))
    units = models.PositiveIntegerField(_("units"))
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    released = models.BooleanField(_("released (request cancelled)"), default=False)

    class Meta:
        verbose_name = _("quota use")
        verbose_name_plural = _("quota uses")
        indexes = [models.Index(fields=["business", "service", "year"], name="quota_business_service_year")]

    def __str__(self):
        return f"{self.business_id}/{self.service_id}/{self.year}: {self.units}"

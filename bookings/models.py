import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.legality import DocumentKind
from accounts.models import Business
from bookings.workflow import TERMINAL, Action, Status, WorkflowKind
from core.models import TimeStampedModel, VisibleQuerySet
from products.models import Product


class Service(models.Model):
    """An entry of the service catalogue (layanan), edited by admins."""

    class FeeMode(models.TextChoices):
        FREE = "free", _("Free")
        SUBSIDISED = "subsidised", _("Subsidised")
        COST_RECOVERY = "cost_recovery", _("Cost recovery")

    class Unit(models.TextChoices):
        SESSION = "session", _("session")
        DESIGN = "design", _("design")
        PIECE = "piece", _("piece")
        SHEET = "sheet", _("sheet")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    fee_mode = models.CharField(_("fee mode"), max_length=20, choices=FeeMode.choices)
    tariff = models.PositiveIntegerField(_("tariff per unit (Rp)"), default=0)
    minimum_order = models.PositiveIntegerField(_("minimum order"), default=1)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (working days)"))
    daily_capacity = models.PositiveIntegerField(_("daily capacity (units per working day)"))
    free_revision_rounds = models.PositiveSmallIntegerField(_("free revision rounds"), default=2)
    workflow = models.CharField(_("workflow"), max_length=20, choices=WorkflowKind.choices, default=WorkflowKind.FULL)
    required_documents = models.JSONField(
        _("required documents"),
        default=list,
        blank=True,
        help_text=_(
            'Groups of document kinds; each group needs one of its kinds, e.g. [["pirt", "md"], ["halal"]]. '
            "Food permits and halal apply to food and beverage products only."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=Q(minimum_order__gte=1), name="service_minimum_order_positive"),
            models.CheckConstraint(condition=Q(daily_capacity__gte=1), name="service_capacity_positive"),
            models.CheckConstraint(
                condition=Q(fee_mode="free", tariff=0) | ~Q(fee_mode="free"), name="service_free_has_no_tariff"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def required_groups(self) -> list[list[str]]:
        return [[kind for kind in group if kind in DocumentKind.values] for group in self.required_documents or []]

    @property
    def is_free(self) -> bool:
        return self.fee_mode == self.FeeMode.FREE

    @property
    def has_full_workflow(self) -> bool:
        """Design, proof approval and production in one request."""
        return self.workflow == WorkflowKind.FULL

    @property
    def is_design_only(self) -> bool:
        return self.workflow == WorkflowKind.DESIGN_ONLY

    @property
    def is_print_only(self) -> bool:
        return self.workflow == WorkflowKind.PRINT_ONLY

    def cost_for(self, quantity: int) -> int:
        return 0 if self.is_free else self.tariff * quantity


class Holiday(models.Model):
    """A public holiday (hari libur nasional / cuti bersama): not a working day."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class BookingCounter(models.Model):
    """The last booking number used in a year; bumped inside the submitting transaction."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("booking counter")
        verbose_name_plural = _("booking counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class HandoverMethod(models.TextChoices):
    OWNER = "owner", _("The owner in person")
    PROXY = "proxy", _("A named proxy")
    COURIER = "courier", _("A courier")


class BookingChannel(models.TextChoices):
    """How a request came in (saluran)."""

    ONLINE = "online", _("Online")
    COUNTER = "counter", _("Counter")
    WHATSAPP = "whatsapp", _("WhatsApp")
    OUTREACH = "outreach", _("Outreach trip")


class Booking(TimeStampedModel):
    """A request (permohonan) of one business for one service on one product."""

    Channel = BookingChannel

    code = models.CharField(_("request code"), max_length=20, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("business")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("product"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("service"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=BookingChannel.choices, default=BookingChannel.ONLINE)
    # Who typed the request in: the owner online, a staff member at the counter, on WhatsApp or on a trip.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    unit_price = models.PositiveIntegerField(_("tariff per unit (Rp)"))
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost (Rp)"))
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    due_date = models.DateField(
        _("due date"), null=True, blank=True, help_text=_("Verification date plus the service's lead time in working days.")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    priority = models.SmallIntegerField(_("priority"), default=0)
    queue_position = models.PositiveIntegerField(_("queue position"), null=True, blank=True)
    estimated_start = models.DateField(_("estimated start"), null=True, blank=True)
    estimated_finish = models.DateField(_("estimated completion"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_bookings",
        verbose_name=_("assigned to"),
    )
    awaiting_materials = models.BooleanField(
        _("awaiting materials"), default=False,
        help_text=_("Set by the queue estimate when the store is short of this request's materials."),
    )
    quantity_produced = models.PositiveIntegerField(_("quantity produced"), null=True, blank=True)
    handover_method = models.CharField(
        _("handed over to"), max_length=10, choices=HandoverMethod.choices, blank=True
    )
    collected_by = models.CharField(_("collected by"), max_length=150, blank=True)
    courier_receipt = models.CharField(_("courier receipt number"), max_length=60, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    # The outbox rows about this booking: deleted with it; ``Notification.objects.filter(booking=…)``.
    notifications = GenericRelation(
        "notifications.Notification", content_type_field="about_type", object_id_field="about_id",
        related_query_name="booking",
    )

    objects = VisibleQuerySet.as_manager()
    owner_lookup = "business__owner"  # VisibleQuerySet.visible_to

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["status", "service"], name="booking_status_service"),
            models.Index(fields=["business", "-submitted_at"], name="booking_business_recent"),
            models.Index(fields=["status", "estimated_finish"], name="booking_status_finish"),
            models.Index(fields=["service", "status", "-priority", "verified_at"], name="booking_queue_order"),
            models.Index(fields=["assignee", "status"], name="booking_assignee_status"),
            models.Index(fields=["status", "-priority", "submitted_at", "id"], name="booking_board_column"),
            models.Index(fields=["status", "updated_at"], name="booking_status_updated"),
            models.Index(fields=["-submitted_at", "-id"], name="booking_recent"),
            models.Index(fields=["channel", "submitted_at"], name="booking_channel_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="booking_quantity_positive"),
            models.UniqueConstraint(
                fields=["service", "queue_position"],
                condition=Q(queue_position__isnull=False),
                name="booking_unique_queue_position",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("bookings:detail", kwargs={"code": self.code})

    @property
    def is_closed(self) -> bool:
        return self.status in TERMINAL

    @property
    def is_queued(self) -> bool:
        return self.status == Status.QUEUED

    @property
    def is_ready(self) -> bool:
        """Ready for collection."""
        return self.status == Status.READY

    @property
    def needs_info(self) -> bool:
        """Sent back to the owner to complete its data."""
        return self.status == Status.NEEDS_INFO

    @property
    def awaits_owner_approval(self) -> bool:
        """A proof waits for the owner's approval or revision request."""
        return self.status == Status.AWAITING_APPROVAL

    @property
    def is_done(self) -> bool:
        return self.status == Status.DONE


class BookingEvent(models.Model):
    """One step of a booking's history. Append-only: written by bookings.events, never changed."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking"))
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=25, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=25, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Seconds the booking spent in ``from_status`` (since the previous event), written with the event
    # so reports can aggregate stage times without pairing events up.
    stage_seconds = models.PositiveIntegerField(_("time in the previous stage (s)"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        indexes = [
            models.Index(fields=["booking", "created_at"], name="event_booking_time"),
            models.Index(fields=["action", "created_at"], name="event_action_time"),
        ]

    def __str__(self):
        return f"{self.booking_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Booking events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Booking events are append-only.")

    # Notes the office writes for itself (why a request jumped the queue): not shown to owners.
    OFFICE_ONLY_NOTES = frozenset({"priority"})

    @property
    def note_for_office_only(self) -> bool:
        return self.action in self.OFFICE_ONLY_NOTES


def reference_upload_to(instance, filename):
    return f"bookings/references/{filename}"


class ReferenceFile(TimeStampedModel):
    """A logo, sketch or example the owner attaches to a booking (image or PDF)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="reference_files", verbose_name=_("booking")
    )
    file = models.FileField(_("file"), upload_to=reference_upload_to)
    original_name = models.CharField(_("original file name"), max_length=150)

    objects = VisibleQuerySet.as_manager()
    owner_lookup = "booking__business__owner"  # VisibleQuerySet.visible_to

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reference file")
        verbose_name_plural = _("reference files")

    def __str__(self):
        return self.original_name


def proof_upload_to(instance, filename):
    return f"bookings/proofs/{filename}"


class Proof(TimeStampedModel):
    """One version of a design sent to the owner. Once approved it is locked."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting the owner")
        APPROVED = "approved", _("Approved")
        REVISION = "revision", _("Revision requested")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="proofs", verbose_name=_("booking"))
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=proof_upload_to)
    note = models.TextField(_("designer's note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    comment = models.TextField(_("owner's comment"), blank=True)
    checklist = models.JSONField(_("approval checklist"), default=dict, blank=True)

    objects = VisibleQuerySet.as_manager()
    owner_lookup = "booking__business__owner"  # VisibleQuerySet.visible_to

    class Meta:
        ordering = ["booking", "version"]
        verbose_name = _("design proof")
        verbose_name_plural = _("design proofs")
        constraints = [
            models.UniqueConstraint(fields=["booking", "version"], name="proof_unique_version"),
            models.UniqueConstraint(
                fields=["booking"], condition=Q(decision="approved"), name="proof_one_approved_per_booking"
            ),
        ]

    def __str__(self):
        return f"{self.booking} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and Proof.objects.filter(pk=self.pk, decision=self.Decision.APPROVED).exists():
            raise ValueError("An approved proof is locked.")
        super().save(*args, **kwargs)

    @property
    def is_pdf(self) -> bool:
        return self.file.name.lower().endswith(".pdf")

    @property
    def is_approved(self) -> bool:
        return self.decision == self.Decision.APPROVED

    @property
    def is_revision(self) -> bool:
        return self.decision == self.Decision.REVISION

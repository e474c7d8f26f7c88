"""The materials store: materials, their moves, and each service's bill of materials.

The balance is derived from the moves: every move stores the running totals after it (on hand and
reserved) and a per-material sequence number. A move is written under the material's row lock from
the previous move's totals; the database backs that up with a unique (material, sequence) and checks
that neither total is negative and that reservations never exceed what is on hand.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Service


class Material(models.Model):
    """Something the house buys and uses: a standing pouch 12×20 cm, A3 label paper, ink."""

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        SHEET = "sheet", _("sheet")
        ROLL = "roll", _("roll")
        MILLILITRE = "ml", _("ml")
        GRAM = "gram", _("gram")
        METRE = "metre", _("metre")

    name = models.CharField(_("name"), max_length=120, unique=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    minimum_stock = models.PositiveIntegerField(_("minimum stock"), default=0)
    unit_cost = models.PositiveIntegerField(_("cost per unit (Rp)"), default=0)
    restock_days = models.PositiveSmallIntegerField(
        _("restock time (working days)"), default=5, help_text=_("How long a purchase takes to arrive; used by the queue estimate.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.name

    @property
    def available_now(self) -> int:
        """On hand less reserved, from the annotations of ``materials.selectors.materials_with_stock``."""
        return (getattr(self, "on_hand", 0) or 0) - (getattr(self, "reserved", 0) or 0)


class StockMove(models.Model):
    """One move of a material. Append-only; a wrong count is corrected by an adjustment."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("In: purchase")
        GRANT = "grant", _("In: grant")
        ADJUST = "adjust", _("Adjustment (stock count)")
        RESERVE = "reserve", _("Reserved for production")
        RELEASE = "release", _("Reservation released")
        CONSUME = "consume", _("Out: used in production")

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="moves", verbose_name=_("material"))
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Change of the stock on hand (reservations: of the reserved stock)."))
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    unit_cost = models.PositiveIntegerField(_("cost per unit (Rp)"), default=0)
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="stock_moves", verbose_name=_("booking")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["material", "-sequence"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        indexes = [
            models.Index(fields=["booking", "kind"], name="stockmove_booking_kind"),
            models.Index(fields=["kind", "created_at"], name="stockmove_kind_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["material", "sequence"], name="stockmove_unique_sequence"),
            models.CheckConstraint(condition=Q(on_hand_after__gte=0), name="stockmove_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved_after__gte=0), name="stockmove_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved_after__lte=F("on_hand_after")), name="stockmove_reserved_within_on_hand"),
            models.CheckConstraint(condition=~Q(quantity=0), name="stockmove_quantity_not_zero"),
            models.CheckConstraint(condition=~Q(kind="adjust") | ~Q(reason=""), name="stockmove_adjust_has_reason"),
        ]

    def __str__(self):
        return f"{self.material} #{self.sequence} {self.kind} {self.quantity}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Stock moves are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Stock moves are append-only.")

    @property
    def available_after(self) -> int:
        return self.on_hand_after - self.reserved_after


class BillLine(models.Model):
    """How much of a material one unit of a service uses (bill of materials)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="bill_lines", verbose_name=_("service"))
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="bill_lines", verbose_name=_("material"))
    per_unit = models.DecimalField(_("quantity per service unit"), max_digits=9, decimal_places=3)

    class Meta:
        ordering = ["service", "material"]
        verbose_name = _("bill of materials line")
        verbose_name_plural = _("bill of materials")
        constraints = [
            models.UniqueConstraint(fields=["service", "material"], name="bill_line_unique_material"),
            models.CheckConstraint(condition=Q(per_unit__gt=0), name="bill_line_positive"),
        ]

    def __str__(self):
        return f"{self.service}: {self.per_unit} {self.material}"

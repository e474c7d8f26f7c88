import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.legality import PackagingMaterial
from accounts.models import Business
from core.models import TimeStampedModel, VisibleQuerySet


class Product(TimeStampedModel):
    """Something a business makes and wants packaged."""

    class Category(models.TextChoices):
        FOOD = "food", _("Food")
        BEVERAGE = "beverage", _("Beverage")
        HERBAL = "herbal", _("Herbal / cosmetic")
        NON_FOOD = "non_food", _("Non-food (crafts and other goods)")

    class NetUnit(models.TextChoices):
        GRAM = "g", _("gram (g)")
        KILOGRAM = "kg", _("kilogram (kg)")
        MILLILITRE = "ml", _("millilitre (ml)")
        LITRE = "l", _("litre (l)")
        PIECE = "pcs", _("pieces")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="products", verbose_name=_("business")
    )
    name = models.CharField(_("product name"), max_length=150)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    ingredients = models.TextField(
        _("ingredients"), blank=True, help_text=_("In order of amount, the largest first, separated by commas.")
    )
    main_ingredient = models.CharField(_("main ingredient"), max_length=100, blank=True)
    main_ingredient_percent = models.DecimalField(
        _("share of the main ingredient (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    contains_pork = models.BooleanField(_("contains pork or pork-derived ingredients"), default=False)
    net_content = models.DecimalField(
        _("net content"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    net_content_unit = models.CharField(_("unit"), max_length=5, choices=NetUnit.choices, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    storage_instructions = models.CharField(_("storage instructions"), max_length=255, blank=True)
    production_code_format = models.CharField(
        _("production code format"),
        max_length=50,
        blank=True,
        help_text=_("How the batch is marked on the pack, e.g. P-DDMMYY."),
    )
    packaging_material = models.CharField(
        _("current packaging material"), max_length=1, choices=PackagingMaterial.choices, blank=True
    )
    length_mm = models.PositiveIntegerField(_("length (mm)"), null=True, blank=True)
    width_mm = models.PositiveIntegerField(_("width (mm)"), null=True, blank=True)
    height_mm = models.PositiveIntegerField(_("height (mm)"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()
    owner_lookup = "business__owner"  # VisibleQuerySet.visible_to

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(main_ingredient_percent__isnull=True)
                | Q(main_ingredient_percent__gte=0, main_ingredient_percent__lte=100),
                name="product_main_ingredient_percent_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:detail", kwargs={"public_id": self.public_id})

    @property
    def is_food(self) -> bool:
        return self.category in (self.Category.FOOD, self.Category.BEVERAGE)

    @property
    def dimensions(self) -> str:
        sizes = [v for v in (self.length_mm, self.width_mm, self.height_mm) if v]
        return " × ".join(str(v) for v in sizes) + " mm" if sizes else ""


def photo_upload_to(instance, filename):
    return f"products/photos/{filename}"


def thumbnail_upload_to(instance, filename):
    return f"products/thumbnails/{filename}"


class ProductPhoto(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("product"))
    image = models.FileField(_("photo"), upload_to=photo_upload_to)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_upload_to, blank=True)

    objects = VisibleQuerySet.as_manager()
    owner_lookup = "product__business__owner"  # VisibleQuerySet.visible_to

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")

    def __str__(self):
        return f"{self.product} #{self.pk}"

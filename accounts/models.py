import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.legality import DocumentKind, Validity, validity
from accounts.roles import ACTING_OFFICE_ROLES, OFFICE_ROLES, Role, roles_of
from core.models import TimeStampedModel, VisibleQuerySet


class User(AbstractUser):
    """A person who signs in: an owner, a staff member, an admin or the head of office.

    Roles are auth groups (see accounts.roles). ``name`` is the full name as people write it
    (many Indonesians have a single name), so first/last name are not used.
    """

    name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("WhatsApp number"), max_length=16, blank=True)
    consent_at = models.DateTimeField(_("personal data consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="id")
    notify_email = models.BooleanField(_("send me email"), default=True)
    notify_whatsapp = models.BooleanField(_("send me WhatsApp messages"), default=False)
    whatsapp_consent_at = models.DateTimeField(_("WhatsApp opt-in given at"), null=True, blank=True)
    deletion_requested_at = models.DateTimeField(_("data deletion requested at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_owner(self) -> bool:
        return Role.OWNER in self.roles

    @property
    def is_office(self) -> bool:
        """Staff, admin or head of office: may see every business and booking."""
        return bool(roles_of(self) & OFFICE_ROLES)

    @property
    def acts_for_office(self) -> bool:
        """Staff or admin: may act on bookings for the office."""
        return bool(roles_of(self) & ACTING_OFFICE_ROLES)

    @property
    def is_admin_role(self) -> bool:
        return Role.ADMIN in self.roles or self.is_superuser


class District(models.Model):
    """A kabupaten or kota of the province the house serves (seeded for Maluku by migration)."""

    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="district_unique_name_in_province"),
        ]

    def __str__(self):
        return self.name


class Business(TimeStampedModel):
    """An owner's business (profil usaha). One owner may run several."""

    class Sector(models.TextChoices):
        FOOD = "food", _("Processed food")
        BEVERAGE = "beverage", _("Beverages")
        FISHERY = "fishery", _("Fishery and marine products")
        AGRICULTURE = "agriculture", _("Agriculture and plantation products")
        HERBAL = "herbal", _("Herbal and cosmetics")
        CRAFT = "craft", _("Crafts")
        FASHION = "fashion", _("Fashion and textiles")
        OTHER = "other", _("Other")

    class Scale(models.TextChoices):
        MICRO = "mikro", _("Micro")
        SMALL = "kecil", _("Small")
        MEDIUM = "menengah", _("Medium")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class LegalForm(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual business")
        COOPERATIVE = "cooperative", _("Cooperative")
        CV = "cv", _("CV")
        PT = "pt", _("PT / PT Perorangan")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("owner"))
    name = models.CharField(_("business name"), max_length=150)
    owner_name = models.CharField(_("owner's name"), max_length=150)
    owner_gender = models.CharField(_("owner's gender"), max_length=10, choices=Gender.choices, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.INDIVIDUAL
    )
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    address = models.TextField(_("address"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("regency/city")
    )
    phone = models.CharField(_("WhatsApp number"), max_length=16)
    email = models.EmailField(_("email"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    scale = models.CharField(_("business scale"), max_length=10, choices=Scale.choices, default=Scale.MICRO)

    objects = VisibleQuerySet.as_manager()
    owner_lookup = "owner"  # VisibleQuerySet.visible_to

    class Meta:
        ordering = ["name"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        constraints = [
            models.UniqueConstraint(fields=["nib"], condition=~Q(nib=""), name="business_unique_nib"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:business_detail", kwargs={"public_id": self.public_id})


def document_upload_to(instance, filename):
    return f"documents/{filename}"


class LegalityDocument(TimeStampedModel):
    """A permit or certificate of a business, or of one of its products."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="documents", verbose_name=_("business")
    )
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.CASCADE,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("product"),
    )
    kind = models.CharField(_("document"), max_length=10, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=40, blank=True)
    is_pending = models.BooleanField(
        _("application in progress"),
        default=False,
        help_text=_("For halal self-declare or a trademark application that is not yet granted."),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    scan = models.FileField(_("scan"), upload_to=document_upload_to, blank=True)

    objects = VisibleQuerySet.as_manager()
    owner_lookup = "business__owner"  # VisibleQuerySet.visible_to

    class Meta:
        ordering = ["kind", "-created_at"]
        verbose_name = _("legality document")
        verbose_name_plural = _("legality documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(issued_on__isnull=True) | Q(expires_on__gt=models.F("issued_on")),
                name="document_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(is_pending=True) | ~Q(number=""), name="document_number_unless_pending"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()

    @property
    def validity(self) -> Validity:
        return validity(pending=self.is_pending, expires_on=self.expires_on, today=timezone.localdate())

    @property
    def is_expired(self) -> bool:
        return self.validity == Validity.EXPIRED

    @property
    def is_expiring(self) -> bool:
        return self.validity == Validity.EXPIRING

    @property
    def is_usable(self) -> bool:
        """Counts for label readiness and service requirements (not expired; pending counts for halal)."""
        return self.validity != Validity.EXPIRED

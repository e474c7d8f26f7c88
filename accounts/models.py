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
from accounts.validators import mask_nik, validate_nik
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
    nik = models.CharField(
        _("NIK"), max_length=16, blank=True, validators=[validate_nik],
        help_text=_("Optional: the 16-digit national identity number, to match the national UMKM database."),
    )
    # Consent recorded in person at the counter (or on a trip): by whom. Online consent has none.
    consent_recorded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("consent recorded by"),
    )
    # An owner entered by staff has no password until they claim the account (link or WhatsApp code).
    is_claimed = models.BooleanField(_("account claimed"), default=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by"),
    )

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

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)


class District(models.Model):
    """A kabupaten or kota of the province the house serves (seeded for Maluku by migration)."""

    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    region_code = models.CharField(
        _("Kemendagri region code"), max_length=13, blank=True,
        help_text=_("The regency/city code of the Ministry of Home Affairs, e.g. 81.71 for Kota Ambon."),
    )

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

    class TurnoverBand(models.TextChoices):
        # Ordered from low to high: the report compares bands by their position (reports: turnover change).
        UNDER_5M = "lt5m", _("Under Rp 5 million a month")
        FROM_5M = "5m_15m", _("Rp 5–15 million a month")
        FROM_15M = "15m_50m", _("Rp 15–50 million a month")
        FROM_50M = "50m_165m", _("Rp 50–165 million a month")
        FROM_165M = "165m_1250m", _("Rp 165 million – 1.25 billion a month")
        OVER_1250M = "gt1250m", _("Over Rp 1.25 billion a month")

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
    address = models.TextField(_("address"), blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("regency/city")
    )
    phone = models.CharField(_("WhatsApp number"), max_length=16)
    email = models.EmailField(_("email"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    scale = models.CharField(_("business scale"), max_length=10, choices=Scale.choices, default=Scale.MICRO)
    turnover_band = models.CharField(
        _("monthly turnover"), max_length=12, choices=TurnoverBand.choices, blank=True,
        help_text=_("Asked at intake; asked again in the survey after hand-over."),
    )

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


class OwnerPhone(models.Model):
    """The WhatsApp number an owner is known by: one number belongs to one owner.

    Kept apart from ``User.phone`` because office accounts may share a number (the office phone) and
    only owners are looked up by number (counter intake, sign-in by code, claims). The unique
    constraint is what makes two counter intakes of the same number at once end with one owner.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="owner_phone", verbose_name=_("owner"))
    phone = models.CharField(_("WhatsApp number"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owner's WhatsApp number")
        verbose_name_plural = _("owners' WhatsApp numbers")

    def __str__(self):
        return self.phone


class AccountEvent(models.Model):
    """Append-only audit of account changes: counter creation, consent, claim, sign-in by code, merge."""

    class Action(models.TextChoices):
        CREATED_BY_STAFF = "created_by_staff", _("Entered by staff")
        CLAIM_LINK_SENT = "claim_link_sent", _("Claim link sent")
        CLAIMED = "claimed", _("Account claimed")
        CODE_SIGN_IN = "code_sign_in", _("Signed in with a WhatsApp code")
        PASSWORD_SET = "password_set", _("Password set")
        MERGED = "merged", _("Merged into another account")
        MERGED_FROM = "merged_from", _("Took over another account")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events", verbose_name=_("account"))
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        indexes = [models.Index(fields=["action", "created_at"], name="account_event_action_time")]

    def __str__(self):
        return f"{self.user_id}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Account events are append-only.")
        super().save(*args, **kwargs)


class ClaimLink(models.Model):
    """A one-time link with which an owner entered by staff takes over the account (7 days)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="claim_links", verbose_name=_("owner"))
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("account claim link")
        verbose_name_plural = _("account claim links")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class PhoneCode(models.Model):
    """A one-time WhatsApp code (6 digits, stored hashed) for signing in or resetting a password."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign in")
        RESET = "reset", _("Password reset")
        CLAIM = "claim", _("Account claim")

    phone = models.CharField(_("WhatsApp number"), max_length=16)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner"))
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("valid until"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("WhatsApp code")
        verbose_name_plural = _("WhatsApp codes")
        indexes = [models.Index(fields=["phone", "-created_at"], name="phonecode_phone_recent")]

    def __str__(self):
        return f"{self.phone} {self.purpose}"

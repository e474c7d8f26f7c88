"""Writes for users, businesses and legality documents."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.legality import normalize_number
from accounts.models import Business, LegalityDocument, User
from accounts.roles import Role
from core.uploads import CleanFile
from notifications.models import Notification
from notifications.services import notify

CONSENT_VERSION = "2026-11"


def user_register(*, username: str, name: str, phone: str, email: str, password: str, language: str = "id") -> User:
    """Create an owner account, recording consent to the processing of personal data (UU 27/2022)."""
    with transaction.atomic():
        user = User(username=username, name=name, phone=phone, email=email, language=language)
        user.consent_at = timezone.now()
        user.consent_version = CONSENT_VERSION
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=Role.OWNER))
    return user


def user_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_update_profile(*, user: User, name: str, phone: str, email: str, language: str,
                        notify_email: bool, notify_whatsapp: bool) -> User:
    """Save the person's details and channel choices; WhatsApp opt-in consent is timestamped."""
    user.name, user.phone, user.email, user.language = name, phone, email, language
    user.notify_email = notify_email
    if notify_whatsapp and not user.notify_whatsapp:
        user.whatsapp_consent_at = timezone.now()
    if not notify_whatsapp:
        user.whatsapp_consent_at = None
    user.notify_whatsapp = notify_whatsapp
    user.save(update_fields=["name", "phone", "email", "language", "notify_email", "notify_whatsapp", "whatsapp_consent_at"])
    return user


def user_set_role(*, user: User, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True  # Django admin access
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)


def business_save(*, business: Business, owner: User | None = None) -> Business:
    """Create (with ``owner``) or update a business from a validated form instance."""
    if owner is not None:
        business.owner = owner
    business.full_clean()
    business.save()
    return business


def document_add(
    *, business: Business, product=None, kind: str, number: str, is_pending: bool,
    issued_on=None, expires_on=None, scan: CleanFile | None = None,
) -> LegalityDocument:
    """Record a document; the number is checked and stored in its canonical form (accounts.legality)."""
    document = LegalityDocument(
        business=business,
        product=product,
        kind=kind,
        number=normalize_number(kind, number, pending=is_pending),
        is_pending=is_pending,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    if scan is not None:
        document.scan = scan.content
    document.save()
    return document


def document_delete(*, document: LegalityDocument) -> None:
    scan = document.scan
    document.delete()
    if scan:
        transaction.on_commit(lambda: scan.storage.delete(scan.name))


def export_row(instance, exclude=()) -> dict:
    """One model instance as JSON-ready data for the owner's data export."""
    data = model_to_dict(instance, exclude=["password", *exclude])
    return {k: (str(v) if not isinstance(v, (int, float, bool, str, type(None), list, dict)) else v) for k, v in data.items()}


# Sections of the data export kept by apps above this one: {key: function(user) -> JSON-ready data}.
# Each app adds its own in its AppConfig.ready (bookings: "requests"), so accounts imports none of them.
DATA_EXPORT_SECTIONS: dict[str, Callable[[User], object]] = {}


def user_data_export(*, user: User) -> dict:
    """Everything the system holds about an owner, as JSON-ready data (UU 27/2022: right of access)."""
    plain = export_row
    businesses = []
    for business in user.businesses.prefetch_related("documents", "products__photos"):
        businesses.append({
            **plain(business),
            "documents": [plain(d, exclude=["scan"]) | {"scan": bool(d.scan)} for d in business.documents.all()],
            "products": [plain(p) | {"photos": p.photos.count()} for p in business.products.all()],
        })
    return {
        "account": plain(user, exclude=["groups", "user_permissions", "is_superuser", "is_staff"]),
        "businesses": businesses,
        **{key: section(user) for key, section in DATA_EXPORT_SECTIONS.items()},
        "notifications": [plain(n) for n in Notification.objects.filter(recipient=user)],
    }


def user_request_deletion(*, user: User, reason: str) -> None:
    """Record an owner's request to delete their data and tell the admins, who carry it out (records the
    office must keep for its reports are anonymised rather than deleted)."""
    admins = User.objects.filter(groups__name=Role.ADMIN, is_active=True)
    with transaction.atomic():
        user.deletion_requested_at = timezone.now()
        user.save(update_fields=["deletion_requested_at"])
        for admin in admins:
            notify(recipient=admin, kind=Notification.Kind.DATA_DELETION_REQUEST, context={"person": user, "reason": reason},
                   link=f"/admin/accounts/user/{user.pk}/change/")

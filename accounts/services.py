"""Writes for users, businesses and legality documents."""
from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.legality import as_typed, normalize_number
from accounts.models import AccountEvent, Business, LegalityDocument, OwnerPhone, User
from accounts.roles import Role
from core.phone import normalize_phone
from core.uploads import CleanFile
from notifications.models import Notification
from notifications.services import notify

CONSENT_VERSION = "2026-11"


def owner_for_phone(phone: str) -> User | None:
    """The owner who holds this WhatsApp number (E.164), or None."""
    held = OwnerPhone.objects.select_related("user").filter(phone=phone).first()
    return held.user if held else None


def user_register(*, username: str, name: str, phone: str, email: str, password: str, language: str = "id") -> User:
    """Create an owner account, recording consent to the processing of personal data (UU 27/2022).

    The WhatsApp number must be free: a number held by another owner (e.g. entered at the counter) is
    refused here — the registration page leads that person to claim the existing account instead."""
    try:
        with transaction.atomic():
            user = User(username=username, name=name, phone=phone, email=email, language=language)
            user.consent_at = timezone.now()
            user.consent_version = CONSENT_VERSION
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=Role.OWNER))
            if phone:
                OwnerPhone.objects.create(user=user, phone=phone)
    except IntegrityError:
        if phone and OwnerPhone.objects.filter(phone=phone).exists():
            raise ValidationError({"phone": _("This WhatsApp number already belongs to an account.")}) from None
        raise
    return user


def owner_find_or_create_by_whatsapp(
    *, phone: str, name: str, staff: User, gender: str = "", nik: str = "", consent_given: bool,
    consent_version: str = CONSENT_VERSION, language: str = "id",
) -> tuple[User, bool]:
    """The owner holding ``phone``, or a new owner entered by ``staff`` (no username, password or email).

    Returns ``(owner, created)``. Consent must have been given in person: it is recorded with the
    consent text's version, the staff member and the time. The new account is unclaimed until the owner
    takes it over (claim link or WhatsApp code). Two intakes of the same number at once end with one
    owner: the number's unique row decides, and the loser finds the winner's owner.
    """
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    existing = owner_for_phone(phone)
    if existing is not None:
        return existing, False
    if not consent_given:
        raise ValidationError({"consent": _("The owner must agree to the processing of their personal data.")})
    now = timezone.now()
    try:
        with transaction.atomic():
            user = User(
                username=f"wa-{uuid.uuid4().hex[:12]}", name=name.strip(), phone=phone, nik=nik or "", language=language,
                consent_at=now, consent_version=consent_version, consent_recorded_by=staff,
                is_claimed=False, entered_by=staff, notify_email=False, notify_whatsapp=True, whatsapp_consent_at=now,
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password", "username"])
            user.save()
            user.groups.add(Group.objects.get(name=Role.OWNER))
            OwnerPhone.objects.create(user=user, phone=phone)
            AccountEvent.objects.create(
                user=user, actor=staff, action=AccountEvent.Action.CREATED_BY_STAFF,
                data={"consent_version": consent_version, "consent_in_person": True},
            )
    except IntegrityError:
        winner = owner_for_phone(phone)
        if winner is None:
            raise
        return winner, False
    return user, True


def owner_set_phone(*, user: User, phone: str) -> None:
    """Hold ``phone`` for the owner ``user`` (profile change); refused when another owner holds it."""
    if not user.is_owner:
        return
    if not phone:
        OwnerPhone.objects.filter(user=user).delete()
        return
    holder = owner_for_phone(phone)
    if holder is not None and holder.pk != user.pk:
        raise ValidationError({"phone": _("This WhatsApp number already belongs to an account.")})
    OwnerPhone.objects.update_or_create(user=user, defaults={"phone": phone})


def user_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_update_profile(*, user: User, name: str, phone: str, email: str, language: str,
                        notify_email: bool, notify_whatsapp: bool) -> User:
    """Save the person's details and channel choices; WhatsApp opt-in consent is timestamped."""
    owner_set_phone(user=user, phone=phone)
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
    """Record a document; the number is checked by its kind's rule (accounts.legality) and kept as
    typed ("2068171010123-29" stays with its dash); comparisons go through normalize_number."""
    normalize_number(kind, number, pending=is_pending)
    document = LegalityDocument(
        business=business,
        product=product,
        kind=kind,
        number=as_typed(number),
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


def user_request_deletion(*, user: User, reason: str) -> bool:
    """Record an owner's request to delete their data and tell the admins, who carry it out (records the
    office must keep for its reports are anonymised rather than deleted).

    Idempotent: at most one request a day (the user's row is locked, so two clicks at once make one).
    Returns False when a request was already made in the past 24 hours."""
    admins = User.objects.filter(groups__name=Role.ADMIN, is_active=True)
    with transaction.atomic():
        now = timezone.now()
        locked = User.objects.select_for_update().only("pk", "deletion_requested_at").get(pk=user.pk)
        if locked.deletion_requested_at and now - locked.deletion_requested_at < datetime.timedelta(days=1):
            user.deletion_requested_at = locked.deletion_requested_at
            return False
        user.deletion_requested_at = now
        user.save(update_fields=["deletion_requested_at"])
        for admin in admins:
            notify(recipient=admin, kind=Notification.Kind.DATA_DELETION_REQUEST, context={"person": user, "reason": reason},
                   link=f"/admin/accounts/user/{user.pk}/change/")
    return True


# Append-only history keeps naming who acted at the time (the merged account stays, deactivated).
MERGE_KEEPS_HISTORY = frozenset({"bookings.bookingevent", "accounts.accountevent"})


def owner_merge(*, source: User, target: User, actor: User) -> dict[str, int]:
    """Move everything of the owner ``source`` to ``target``: businesses (with their products, documents
    and bookings), notifications, requests they submitted, visits, claims and codes — every row of any
    app that points at the account, found through the model relations so apps added later move too.

    History rows keep pointing at the old account, which stays (deactivated, without password or
    number) so the history reads as it happened. Both accounts get an audit event with the counts.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose two different accounts.")})
    if not (source.is_owner and target.is_owner):
        raise ValidationError({"source": _("Only owner accounts can be merged.")})
    moved: dict[str, int] = {}
    with transaction.atomic():
        # Lock both rows in a fixed order (lower id first) so two merges cannot cross.
        list(User.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))
        relations = [f for f in User._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
        for relation in relations:
            model = relation.related_model
            if not relation.one_to_many or model._meta.auto_created or model._meta.label_lower in MERGE_KEEPS_HISTORY:
                continue
            if model._meta.label_lower.startswith(("auth.", "admin.", "axes.", "sessions.")):
                continue
            count = model._base_manager.filter(**{relation.field.name: source}).update(**{relation.field.name: target})
            if count:
                moved[f"{model._meta.label_lower}.{relation.field.name}"] = count
        source_phone = OwnerPhone.objects.filter(user=source).first()
        if source_phone is not None:
            source_phone.delete()
            if not OwnerPhone.objects.filter(user=target).exists():
                OwnerPhone.objects.create(user=target, phone=source_phone.phone)
                moved["accounts.ownerphone.user"] = 1
        for field in ("nik", "email"):
            if not getattr(target, field) and getattr(source, field):
                setattr(target, field, getattr(source, field))
        target.save(update_fields=["nik", "email"])
        source.is_active = False
        source.set_unusable_password()
        source.save(update_fields=["is_active", "password"])
        AccountEvent.objects.create(user=source, actor=actor, action=AccountEvent.Action.MERGED,
                                    data={"into": target.pk, "moved": moved})
        AccountEvent.objects.create(user=target, actor=actor, action=AccountEvent.Action.MERGED_FROM,
                                    data={"from": source.pk, "moved": moved})
    return moved

"""Sign-in and password reset by a one-time WhatsApp code, for owners without email.

6 digits, stored as a keyed hash (HMAC with the site's key), valid 10 minutes, 5 wrong tries lock the
number for ``RK_CODE_LOCK_MINUTES`` — a correct code is refused too while locked. The caller answers
the same whether or not the number is known; the views rate-limit per number and per client address.
The message follows the shape of Meta's authentication templates (fixed text, the code, its expiry,
no link), so one text works through the WhatsApp Cloud API and through local gateways. It goes
through the outbox on the high-priority queue (``notify(urgent=True)``).
"""
from __future__ import annotations

import datetime
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.claims import user_mark_claimed
from accounts.models import AccountEvent, PhoneCode, User
from accounts.services import owner_for_phone
from notifications.models import Channel, Notification
from notifications.services import notify

_SALT = "accounts.codes"


def _hash(phone: str, code: str) -> str:
    return salted_hmac(_SALT, f"{phone}:{code}", algorithm="sha256").hexdigest()


def _locked(phone: str, now) -> bool:
    since = now - datetime.timedelta(minutes=settings.RK_CODE_LOCK_MINUTES)
    return PhoneCode.objects.filter(phone=phone, locked_at__gte=since).exists()


def code_request(*, phone: str, purpose: str) -> PhoneCode | None:
    """Send a new code to the owner holding ``phone``. Returns the row (None for an unknown or locked
    number) — callers must not tell the person which: the page says the same in every case."""
    now = timezone.now()
    user = owner_for_phone(phone)
    code = f"{secrets.randbelow(10 ** settings.RK_CODE_DIGITS):0{settings.RK_CODE_DIGITS}d}"
    code_hash = _hash(phone, code)  # spent for unknown numbers too, so both take as long
    if user is None or not user.is_active or _locked(phone, now):
        return None
    recent = now - datetime.timedelta(minutes=settings.RK_CODE_VALID_MINUTES)
    if PhoneCode.objects.filter(phone=phone, created_at__gte=recent).count() >= settings.RK_CODE_MAX_PER_NUMBER:
        return None  # per-number limit on every path (sign-in, reset, registration → claim)
    with transaction.atomic():
        # A new code replaces the earlier ones of the number.
        PhoneCode.objects.filter(phone=phone, used_at__isnull=True, locked_at__isnull=True).update(used_at=now)
        row = PhoneCode.objects.create(
            phone=phone, user=user, purpose=purpose, code_hash=code_hash, created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.RK_CODE_VALID_MINUTES),
        )
        notify(
            recipient=user, kind=Notification.Kind.WHATSAPP_CODE, context={"code": code, "minutes": settings.RK_CODE_VALID_MINUTES},
            channels_=[Channel.WHATSAPP], urgent=True,
        )
    return row


def code_verify(*, phone: str, code: str) -> tuple[User | None, str]:
    """The owner if ``code`` is the number's current code; else None. The second value is the purpose
    the code was requested for (empty on failure). Wrong tries count; the 5th locks the number."""
    now = timezone.now()
    code = "".join((code or "").split())
    with transaction.atomic():
        if _locked(phone, now):
            return None, ""
        row = (
            PhoneCode.objects.select_for_update().select_related("user")
            .filter(phone=phone, used_at__isnull=True, locked_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at").first()
        )
        if row is None:
            _hash(phone, code)  # same work as a real comparison
            return None, ""
        if not hmac.compare_digest(row.code_hash, _hash(phone, code)):
            row.attempts += 1
            fields = ["attempts"]
            if row.attempts >= settings.RK_CODE_MAX_TRIES:
                row.locked_at = now
                fields.append("locked_at")
            row.save(update_fields=fields)
            return None, ""
        row.used_at = now
        row.save(update_fields=["used_at"])
        user = row.user
        user_mark_claimed(user=user, how="code")
        AccountEvent.objects.create(user=user, actor=user, action=AccountEvent.Action.CODE_SIGN_IN, data={"purpose": row.purpose})
    return user, row.purpose

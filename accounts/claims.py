"""Claiming an account entered by staff: a signed, single-use link valid for 7 days.

The link carries the ClaimLink's random ``public_id`` signed with the site's key (a forged or altered
token fails the signature); the row makes it single-use and lets the office see what was sent.
"""
from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountEvent, ClaimLink, User

_SALT = "accounts.claim"


class ClaimError(Exception):
    """The link cannot be used (any more); ``message`` is for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _token(link: ClaimLink) -> str:
    return signing.dumps(link.public_id.hex, salt=_SALT, compress=False)


def claim_url(link: ClaimLink) -> str:
    return reverse("accounts:claim", kwargs={"token": _token(link)})


def absolute_claim_url(link: ClaimLink) -> str:
    return settings.RK_SITE_URL.rstrip("/") + claim_url(link)


def claim_link_create(*, user: User, actor: User | None) -> ClaimLink:
    """A new claim link for an unclaimed owner (earlier unused links stay valid until they expire)."""
    link = ClaimLink.objects.create(
        user=user, created_by=actor, expires_at=timezone.now() + datetime.timedelta(days=settings.RK_CLAIM_VALID_DAYS)
    )
    AccountEvent.objects.create(user=user, actor=actor, action=AccountEvent.Action.CLAIM_LINK_SENT, data={"link": link.pk})
    return link


def claim_link_from_token(token: str) -> ClaimLink | None:
    """The usable link behind ``token``: signature valid, not older than 7 days, unused, account unclaimed."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=datetime.timedelta(days=settings.RK_CLAIM_VALID_DAYS))
        public_id = uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    link = ClaimLink.objects.select_related("user").filter(public_id=public_id).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    if link.user.is_claimed or not link.user.is_active:
        return None
    return link


def account_claim(*, link: ClaimLink, password: str | None = None) -> User:
    """Take over the account: set a password (or keep signing in by WhatsApp code); the link is spent."""
    with transaction.atomic():
        locked = ClaimLink.objects.select_for_update().select_related("user").get(pk=link.pk)
        if locked.used_at is not None or locked.expires_at <= timezone.now() or locked.user.is_claimed:
            raise ClaimError(_("This link was already used or has expired. Sign in with a WhatsApp code instead."))
        now = timezone.now()
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        user = locked.user
        user_mark_claimed(user=user, how="link", password=password)
    return user


def user_mark_claimed(*, user: User, how: str, password: str | None = None) -> None:
    """Record that the owner took over their account (by ``link`` or ``code``)."""
    fields = []
    if password:
        user.set_password(password)
        fields.append("password")
    if not user.is_claimed:
        user.is_claimed = True
        user.claimed_at = timezone.now()
        fields += ["is_claimed", "claimed_at"]
        AccountEvent.objects.create(user=user, actor=user, action=AccountEvent.Action.CLAIMED, data={"how": how})
    if password:
        AccountEvent.objects.create(user=user, actor=user, action=AccountEvent.Action.PASSWORD_SET, data={"how": how})
    if fields:
        user.save(update_fields=fields)

"""The outbox: who hears what, written in the caller's transaction and delivered after commit."""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.context_processors import site
from notifications import channels, tasks
from notifications.models import Channel, Notification

logger = logging.getLogger(__name__)


def channels_for(user) -> list[str]:
    """In-app always; email and WhatsApp as the person chose (WhatsApp only with opt-in consent)."""
    chosen = [Channel.IN_APP]
    if user.email and user.notify_email:
        chosen.append(Channel.EMAIL)
    if user.phone and user.notify_whatsapp and user.whatsapp_consent_at:
        chosen.append(Channel.WHATSAPP)
    return chosen


def render(kind: str, context: dict, language: str) -> tuple[str, str]:
    """Subject (first line) and body (the rest) of ``notifications/messages/<kind>.txt``, which also
    see the office's name, address and phone (as pages do through core.context_processors.site)."""
    with translation.override(language):
        text = render_to_string(f"notifications/messages/{kind}.txt", {**site(None), **context}).strip()
    subject, _, body = text.partition("\n")
    return subject.strip()[:200], body.strip()


def enqueue(notification_ids: list[int]) -> None:
    """Hand delivery to Celery after commit. A broker that is down must not fail the person's
    action: the rows stay pending and the periodic ``dispatch_pending`` sends them later."""

    def send_all():
        for pk in notification_ids:
            try:
                tasks.deliver_notification.delay(pk)
            except Exception:  # noqa: BLE001 - broker down or hung: leave the row pending
                logger.warning("Broker unavailable; notification %s stays pending", pk, exc_info=True)
                return

    transaction.on_commit(send_all, robust=True)


def notify(
    *, recipient, kind: Notification.Kind, context: dict, booking=None, link: str = "", channels_: list[str] | None = None
) -> list[Notification]:
    """Write one outbox row per channel for ``recipient`` (call inside the causing transaction).

    An unknown ``kind`` is a programming error that tests catch (tests/notifications/test_kinds.py:
    every call names a ``Notification.Kind`` member, every member renders). Should one slip through,
    it is logged and the message dropped: it never fails the person's action.
    """
    if kind not in Notification.Kind.values:
        logger.error("Unknown notification kind %r: message to %s not written", kind, recipient.pk)
        return []
    if not recipient.is_active:
        return []
    subject, body = render(kind, {**context, "recipient": recipient, "booking": booking}, recipient.language)
    now = timezone.now()
    rows = []
    for channel in channels_ or channels_for(recipient):
        in_app = channel == Channel.IN_APP
        rows.append(
            Notification(
                recipient=recipient, channel=channel, kind=kind, booking=booking, subject=subject, body=body, link=link,
                status=Notification.Status.SENT if in_app else Notification.Status.PENDING,
                sent_at=now if in_app else None,
            )
        )
    created = Notification.objects.bulk_create(rows)
    enqueue([n.pk for n in created if n.status == Notification.Status.PENDING])
    return created


def deliver(notification_id: int, *, final_attempt: bool) -> str:
    """Send one pending notification once. Returns sent, skipped, retry or failed.

    The row is locked for the whole attempt: a second run of the same task waits, then finds it
    sent and skips. If the worker dies mid-send, the transaction rolls back, the row stays pending
    and the redelivered task sends it.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",)).select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.status != Notification.Status.PENDING:
            return "skipped"
        notification.attempts += 1
        try:
            channels.send(notification)
        except channels.PermanentGatewayError as error:
            _fail(notification, str(error))
            return "failed"
        except channels.GatewayError as error:
            if final_attempt:
                _fail(notification, str(error))
                return "failed"
            notification.last_error = str(error)
            notification.save(update_fields=["attempts", "last_error"])
            return "retry"
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["status", "sent_at", "attempts"])
        return "sent"


def _fail(notification: Notification, error: str) -> None:
    notification.status = Notification.Status.FAILED
    notification.last_error = error
    notification.save(update_fields=["status", "last_error", "attempts"])
    # A WhatsApp message that cannot go out falls back to email, when the person has one.
    if notification.channel == Channel.WHATSAPP and notification.recipient.email:
        fallback = Notification.objects.create(
            recipient=notification.recipient, channel=Channel.EMAIL, kind=notification.kind,
            booking_id=notification.booking_id, subject=notification.subject, body=notification.body,
            link=notification.link,
        )
        enqueue([fallback.pk])


def dispatch_pending(*, older_than_seconds: int = 60, limit: int = 1000) -> int:
    """Enqueue pending notifications that no task picked up (the broker was down, a worker died)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        tasks.deliver_notification.delay(pk)
    return len(ids)


def mark_read(*, user, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


def cleanup_read(*, days: int | None = None) -> int:
    days = days or settings.RK_NOTIFICATION_RETENTION_DAYS
    cutoff = timezone.now() - timezone.timedelta(days=days)
    deleted, _ = Notification.objects.filter(channel=Channel.IN_APP, read_at__lt=cutoff).delete()
    return deleted

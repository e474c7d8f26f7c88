"""The outbox: who hears what, written in the caller's transaction and delivered after commit.

Delivery never holds a transaction (or a row lock) over the network:

1. **claim** — one conditional UPDATE (a transaction of one statement) marks the row ``sending`` with
   a fresh ``attempt_id`` and a lease (``RK_NOTIFY_LEASE_SECONDS``) only if it is still claimable;
2. **call** the gateway with no transaction open;
3. **record** the result in one conditional UPDATE that only applies while the attempt id is still
   ours (a worker that lost its lease records nothing).

An expired lease (the worker died mid-send) is picked up again by the relay. Retries are row
state, not broker ETAs: ``next_attempt_at`` holds the backoff and the relay publishes the row when
it is due, so a long outage gives at most ``RK_NOTIFY_MAX_ATTEMPTS`` attempts per message.
"""
from __future__ import annotations

import datetime
import logging
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections, router, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.broker import publish
from core.office import office_info
from notifications import channels, tasks
from notifications.models import DELIVERY_RANK, Channel, DeliveryStatus, Notification

logger = logging.getLogger(__name__)

# Celery queues, one per channel so that a slow or broken channel stalls no other, plus one for
# urgent messages (one-time sign-in codes) that must never wait behind a backlog.
QUEUES = {Channel.WHATSAPP: "notify.whatsapp", Channel.EMAIL: "notify.email", Channel.IN_APP: "notify.inapp"}
Status = Notification.Status
OPEN_STATUSES = (Status.PENDING, Status.SENDING, Status.UNCONFIRMED)


def queue_for(notification: Notification) -> str:
    return settings.RK_CODES_QUEUE if notification.urgent else QUEUES[notification.channel]


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
    see the office's name, address, phone and hours (core.office, as pages do)."""
    with translation.override(language):
        text = render_to_string(f"notifications/messages/{kind}.txt", {**office_info(), **context}).strip()
    subject, _, body = text.partition("\n")
    return subject.strip()[:200], body.strip()


def _seconds(name: str) -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, name))


def enqueue(notifications: list[Notification]) -> None:
    """Publish delivery after commit, never waiting on the broker (core/broker.py).

    Rows are written due at ``now + RK_NOTIFY_REQUEUE_AFTER`` (in case the broker loses the task);
    a row that could not be published is made due at once, so the relay sends it as soon as the
    broker is back (within ``RK_NOTIFY_RELAY_SECONDS``).
    """
    pending = [(n.pk, n.attempts, queue_for(n)) for n in notifications]
    if not pending:
        return

    def publish_all():
        missed = [pk for pk, attempts, queue in pending if not publish(tasks.deliver_notification, pk, attempts, queue=queue)]
        if missed:
            Notification.objects.filter(pk__in=missed, status=Status.PENDING).update(next_attempt_at=timezone.now())

    transaction.on_commit(publish_all, robust=True)


def notify(*, recipient, kind: Notification.Kind, context: dict, about=None, link: str = "", channels_: list[str] | None = None,
           urgent: bool = False) -> list[Notification]:
    """Write one outbox row per channel for ``recipient`` (call inside the causing transaction).

    ``urgent=True`` (one-time sign-in codes and anything a person is waiting for on the spot) sends
    the rows through ``RK_CODES_QUEUE`` (``notify.codes``), which its own worker drains ahead of any backlog.

    An unknown ``kind`` is a programming error that tests catch (tests/notifications/test_kinds.py:
    every call names a ``Notification.Kind`` member, every member renders). Should one slip through,
    it is logged and the message dropped: it never fails the person's action.
    """
    if kind not in Notification.Kind.values:
        logger.error("Unknown notification kind %r: message to %s not written", kind, recipient.pk)
        return []
    if not recipient.is_active:
        return []
    if about is not None:  # the message's subject, in the templates under its model's name ("booking")
        context = {about._meta.model_name: about, **context}
    subject, body = render(kind, {**context, "recipient": recipient}, recipient.language)
    now = timezone.now()
    due = now + _seconds("RK_NOTIFY_REQUEUE_AFTER")
    rows = []
    for channel in channels_ or channels_for(recipient):
        in_app = channel == Channel.IN_APP
        rows.append(
            Notification(
                recipient=recipient, channel=channel, kind=kind, about=about, subject=subject, body=body, link=link,
                status=Status.SENT if in_app else Status.PENDING, urgent=urgent,
                sent_at=now if in_app else None, next_attempt_at=None if in_app else due,
            )
        )
    created = Notification.objects.bulk_create(rows)
    enqueue([n for n in created if n.status == Status.PENDING])
    return created


# --- delivery: claim, call, record ------------------------------------------------------------

def _claim_sql(connection, *, checks_attempts: bool) -> str:
    """The claim as one ``UPDATE … RETURNING`` (PostgreSQL, and SQLite ≥ 3.35 for make run and tests).

    SET expressions see the row as it was, so the CASE tells a fresh attempt (pending, or an email
    whose lease expired) from one whose outcome is unknown (a WhatsApp attempt that timed out or
    whose worker died): only a fresh attempt counts one more and stamps ``last_attempt_at`` with our
    time, which is how the caller tells the two apart in the returned row. The recipient's address
    and language come back in the same round trip (scalar subqueries, valid on both databases).
    """
    quote = connection.ops.quote_name
    table = quote(Notification._meta.db_table)
    user_meta = Notification._meta.get_field("recipient").related_model._meta
    users, user_pk = quote(user_meta.db_table), quote(user_meta.pk.column)
    fresh = "(status = %s OR (status = %s AND lease_until <= %s AND channel <> %s))"
    unknown = "(status = %s OR (status = %s AND lease_until <= %s AND channel = %s))"
    columns = ", ".join(f"{table}.{quote(f.column)}" for f in Notification._meta.concrete_fields)
    recipient = ", ".join(
        f"(SELECT u.{quote(name)} FROM {users} u WHERE u.{user_pk} = {table}.{quote('recipient_id')}) AS {quote('rk_recipient_' + name)}"
        for name in RECIPIENT_FIELDS
    )
    return (
        f"UPDATE {table} SET status = %s, attempt_id = %s, lease_until = %s, next_attempt_at = %s, "
        f"attempts = attempts + (CASE WHEN {fresh} THEN 1 ELSE 0 END), "
        f"last_attempt_at = (CASE WHEN {fresh} THEN %s ELSE last_attempt_at END) "
        f"WHERE id = %s{' AND attempts = %s' if checks_attempts else ''} AND ({fresh} OR {unknown}) "
        f"RETURNING {columns}, {recipient}"
    )


# What delivery reads of the recipient (channels.send, the email fall-back): nothing else is loaded.
RECIPIENT_FIELDS = ("email", "phone", "language")


def _claim(notification_id: int, expected_attempts: int | None):
    """Take the row for one attempt with one conditional UPDATE (atomic on its own: no transaction or
    lock is held beyond it) that also returns the row and its recipient's address. Returns
    (row, outcome_unknown), or None when the row is sent, failed, or leased by a live attempt."""
    db = router.db_for_write(Notification)
    connection = connections[db]
    now = timezone.now()
    lease = now + _seconds("RK_NOTIFY_LEASE_SECONDS")
    field = Notification._meta.get_field

    def at(value):
        return field("lease_until").get_db_prep_value(value, connection)

    fresh = [Status.PENDING, Status.SENDING, at(now), Channel.WHATSAPP]
    unknown = [Status.UNCONFIRMED, Status.SENDING, at(now), Channel.WHATSAPP]
    params = [Status.SENDING, field("attempt_id").get_db_prep_value(uuid.uuid4(), connection), at(lease), at(lease),
              *fresh, *fresh, at(now), notification_id]
    if expected_attempts is not None:
        params.append(expected_attempts)  # a stale copy of the task finds nothing
    params += [*fresh, *unknown]
    sql = _claim_sql(connection, checks_attempts=expected_attempts is not None)
    rows = list(Notification.objects.db_manager(db).raw(sql, params))  # raw() applies the fields' converters
    if not rows:
        return None
    row = rows[0]
    user_model = Notification._meta.get_field("recipient").related_model
    row.recipient = user_model.from_db(  # only these fields loaded: any other is read on access, never overwritten
        db, [user_model._meta.pk.attname, *RECIPIENT_FIELDS],
        [row.recipient_id, *(getattr(row, f"rk_recipient_{name}") for name in RECIPIENT_FIELDS)],
    )
    return row, row.last_attempt_at != now


def _record(row: Notification, **fields) -> bool:
    """Write the outcome of our attempt, only if the row is still ours. Retries a dropped connection.

    One plain ``UPDATE`` (values prepared by each field, as the ORM would): this runs once per message
    on the delivery workers, where building it through a QuerySet cost more CPU than the statement.
    """
    for pause in (0.2, 1.0, 3.0, None):
        try:
            return _update_if_ours(row, fields) == 1
        except (OperationalError, InterfaceError):
            if pause is None:
                raise
            logger.warning("Database unavailable while recording notification %s; retrying", row.pk, exc_info=True)
            time.sleep(pause)
            close_old_connections()
    return False


def _update_if_ours(row: Notification, fields: dict) -> int:
    connection = connections[router.db_for_write(Notification)]
    quote = connection.ops.quote_name
    columns, params = [], []
    for name, value in fields.items():
        field = Notification._meta.get_field(name)
        columns.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    attempt = Notification._meta.get_field("attempt_id").get_db_prep_value(row.attempt_id, connection)
    sql = (f"UPDATE {quote(Notification._meta.db_table)} SET {', '.join(columns)} "
           "WHERE id = %s AND attempt_id = %s AND status = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, row.pk, attempt, Status.SENDING])
        return cursor.rowcount


def _retry_or_fail(row: Notification, error: str) -> str:
    if row.attempts >= settings.RK_NOTIFY_MAX_ATTEMPTS:
        return _fail(row, error)
    delay = datetime.timedelta(seconds=backoff(row.attempts - 1))
    _record(row, status=Status.PENDING, last_error=error, next_attempt_at=timezone.now() + delay, lease_until=None)
    return "retry"


def backoff(retries: int) -> int:
    """Exponential backoff with a cap: base, 2×base, 4×base… seconds, at most RK_NOTIFY_RETRY_MAX."""
    return min(settings.RK_NOTIFY_RETRY_BASE * (2**retries), settings.RK_NOTIFY_RETRY_MAX)


def _confirm(row: Notification, status: str) -> str:
    _record(row, status=Status.SENT, sent_at=timezone.now(), provider_status=status, lease_until=None, next_attempt_at=None)
    return "confirmed"


def _resolve_unknown(row: Notification) -> str | None:
    """Ask the provider about an attempt whose outcome we never learnt. None means: send it (again)."""
    gateway = channels.whatsapp_gateway()
    try:
        known = gateway.lookup(reference=row.reference, message_id=row.provider_message_id)
    except channels.LookupUnsupported:
        known = "unsupported"
    except channels.GatewayError as error:
        known = "unreachable"
        logger.warning("Status lookup for %s failed: %s", row.reference, error)
    if known in (DeliveryStatus.ACCEPTED, DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ):
        return _confirm(row, known)
    if known in (None, DeliveryStatus.FAILED):
        return None  # the provider has no (live) record of it: sending again makes no duplicate
    # No answer: wait for the provider's webhook, and resend only once the documented window is over.
    window_end = (row.last_attempt_at or row.created_at) + _seconds("RK_WHATSAPP_RESEND_WINDOW")
    if timezone.now() >= window_end:
        return None
    wait = min(window_end, timezone.now() + _seconds("RK_WHATSAPP_CHECK_AFTER"))
    _record(row, status=Status.UNCONFIRMED, next_attempt_at=wait, lease_until=None)
    return "unconfirmed"


def deliver(notification_id: int, *, expected_attempts: int | None = None) -> str:
    """One delivery attempt. Returns sent, confirmed, skipped, retry, unconfirmed or failed."""
    claimed = _claim(notification_id, expected_attempts)
    if claimed is None:
        return "skipped"
    row, outcome_unknown = claimed
    if outcome_unknown:
        resolved = _resolve_unknown(row)
        if resolved is not None:
            return resolved
        row.attempts += 1
        row.last_attempt_at = timezone.now()
        if not _record(row, attempts=row.attempts, last_attempt_at=row.last_attempt_at):
            return "skipped"
    try:
        message_id = channels.send(row)  # no transaction open here
    except channels.PermanentGatewayError as error:
        return _fail(row, str(error))
    except channels.OutcomeUnknown as error:
        # The request may have reached the provider: do not resend blindly; ask first.
        _record(row, status=Status.UNCONFIRMED, last_error=str(error), lease_until=None,
                provider_message_id=error.message_id or row.provider_message_id,
                next_attempt_at=timezone.now() + _seconds("RK_WHATSAPP_CHECK_AFTER"))
        return "unconfirmed"
    except channels.GatewayError as error:
        return _retry_or_fail(row, str(error))
    recorded = _record(
        row, status=Status.SENT, sent_at=timezone.now(), lease_until=None, next_attempt_at=None,
        provider_message_id=message_id or "", provider_status=DeliveryStatus.ACCEPTED if message_id else "",
    )
    return "sent" if recorded else "skipped"


def _fail(row: Notification, error: str) -> str:
    if not _record(row, status=Status.FAILED, last_error=error, lease_until=None, next_attempt_at=None):
        return "skipped"
    _fall_back_to_email(row)
    return "failed"


def _fall_back_to_email(row: Notification) -> None:
    """A WhatsApp message that cannot go out falls back to email, when the person has one."""
    if row.channel == Channel.WHATSAPP and row.recipient.email:
        fallback = Notification.objects.create(
            recipient=row.recipient, channel=Channel.EMAIL, kind=row.kind, about_type_id=row.about_type_id, about_id=row.about_id,
            subject=row.subject, body=row.body, link=row.link, urgent=row.urgent,
            next_attempt_at=timezone.now() + _seconds("RK_NOTIFY_REQUEUE_AFTER"),
        )
        enqueue([fallback])


# --- the relay ---------------------------------------------------------------------------------

def dispatch_pending(*, limit: int = 1000) -> int:
    """Publish the rows that are due: never published (broker down), due for a retry or a status
    check, or whose lease expired. Rows waiting for their next attempt or leased are left alone.

    Each published row is marked due again ``RK_NOTIFY_REQUEUE_AFTER`` later, so a row is on the
    broker at most once per that period; a copy that arrives late is refused by the claim.
    """
    now = timezone.now()
    rows = list(
        Notification.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .order_by("-urgent", "next_attempt_at")
        .only("pk", "attempts", "channel", "urgent")[:limit]
    )
    if not rows:
        return 0
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=now + _seconds("RK_NOTIFY_REQUEUE_AFTER"))
    published = 0
    for row in rows:
        try:
            tasks.deliver_notification.apply_async((row.pk, row.attempts), queue=queue_for(row), retry=False)
        except Exception:  # noqa: BLE001 - the broker went away again: leave the rest due
            Notification.objects.filter(pk__in=[r.pk for r in rows[published:]]).update(next_attempt_at=now)
            logger.warning("Broker unavailable during the relay; %d rows left due", len(rows) - published, exc_info=True)
            break
        published += 1
    return published


# --- provider status (webhooks) --------------------------------------------------------------

def delivery_status_record(*, status: str, message_id: str = "", reference: str = "") -> int:
    """Apply one provider status report (from a webhook or a lookup). Statuses only move forward, so
    reports arriving out of order change nothing. Returns the number of rows changed."""
    if status not in DELIVERY_RANK:
        return 0
    which = Q(pk__in=[])
    if message_id:
        which |= Q(provider_message_id=message_id)
    if reference.startswith("rk-notification-") and reference[16:].isdigit():
        which |= Q(pk=int(reference[16:]))  # Meta echoes our reference, even for a send that timed out
    match = Notification.objects.filter(which, channel=Channel.WHATSAPP)
    changed = 0
    for row in match.select_related("recipient"):
        if row.provider_status and DELIVERY_RANK[row.provider_status] >= DELIVERY_RANK[status]:
            continue
        fields = {"provider_status": status}
        if message_id and not row.provider_message_id:
            fields["provider_message_id"] = message_id
        if status == DeliveryStatus.FAILED:
            if row.status in OPEN_STATUSES:
                fields.update(status=Status.PENDING, next_attempt_at=timezone.now(), attempt_id=None, lease_until=None)
            elif row.status == Status.SENT:
                fields.update(status=Status.FAILED, last_error="the provider reported the message undelivered")
        elif row.status in OPEN_STATUSES:
            fields.update(status=Status.SENT, sent_at=timezone.now(), attempt_id=None, lease_until=None, next_attempt_at=None)
        guard = Q(provider_status="") | Q(provider_status__in=[s for s, r in DELIVERY_RANK.items() if r < DELIVERY_RANK[status]])
        if Notification.objects.filter(guard, pk=row.pk, status=row.status).update(**fields):
            changed += 1
            if fields.get("status") == Status.FAILED:
                _fall_back_to_email(row)
    return changed


# --- reading and cleaning up -------------------------------------------------------------------

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

"""Delivery: claim / call / record with no transaction over the network, unknown outcomes resolved by
asking the provider, provider webhooks (signed where the provider signs), stable email Message-IDs."""
import datetime
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.gateways import LogGateway
from notifications.models import Channel, DeliveryStatus, Notification

Status = Notification.Status


def outbox_row(person, channel=Channel.WHATSAPP, **fields):
    """A committed-looking pending row (notify() inside the test's transaction publishes nothing)."""
    row = services.notify(recipient=person, kind="proof_reminder", context={"link": "x"}, channels_=[channel])[0]
    if fields:
        Notification.objects.filter(pk=row.pk).update(**fields)
        row.refresh_from_db()
    return row


class InspectingGateway(LogGateway):
    """Records how many transactions were open while the gateway was called."""

    calls = []

    def send(self, *, to, message, reference):
        self.calls.append(len(connection.atomic_blocks))
        return "wamid.1"


def test_the_gateway_is_called_with_no_transaction_open(whatsapp_owner, settings):
    settings.RK_WHATSAPP_BACKEND = "tests.notifications.test_delivery.InspectingGateway"
    InspectingGateway.calls.clear()
    row = outbox_row(whatsapp_owner)
    outside = len(connection.atomic_blocks)  # the test's own transaction
    assert services.deliver(row.pk) == "sent"
    assert InspectingGateway.calls == [outside]  # delivery opened none of its own around the call
    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.provider_status, row.lease_until) == ("sent", "wamid.1", "accepted", None)


def test_a_leased_row_is_not_taken_until_its_lease_expires(whatsapp_owner, fake_gateway):
    gateway = fake_gateway()
    now = timezone.now()
    row = outbox_row(whatsapp_owner, status=Status.SENDING, lease_until=now + datetime.timedelta(seconds=30), attempts=1)
    assert services.deliver(row.pk) == "skipped"
    Notification.objects.filter(pk=row.pk).update(lease_until=now - datetime.timedelta(seconds=1))
    # The dead attempt may have reached the provider: it is asked first (it has no record), then sent.
    assert services.deliver(row.pk) == "sent"
    assert gateway.lookups == 1 and len(gateway.received) == 1


def test_a_worker_that_lost_its_lease_records_nothing(whatsapp_owner, fake_gateway):
    fake_gateway()
    row = outbox_row(whatsapp_owner)
    row, _unknown = services._claim(row.pk, None)
    Notification.objects.filter(pk=row.pk).update(attempt_id=None, status=Status.SENT)  # someone else finished it
    assert services._record(row, status=Status.FAILED) is False
    assert Notification.objects.get(pk=row.pk).status == Status.SENT


def test_a_timeout_is_an_unknown_outcome_resolved_by_asking_the_provider(whatsapp_owner, fake_gateway, settings):
    gateway = fake_gateway(delay=1.0)  # accepts the message, answers after our timeout
    settings.RK_WHATSAPP_TIMEOUT = 0.3
    row = outbox_row(whatsapp_owner)
    assert services.deliver(row.pk) == "unconfirmed"
    row.refresh_from_db()
    assert row.status == Status.UNCONFIRMED and row.next_attempt_at > timezone.now()
    assert services.deliver(row.pk) == "confirmed"  # the provider has it: no second message
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 1
    assert gateway.attempts == 1 and gateway.copies(row.reference) == 1


def test_an_unknown_outcome_the_provider_never_saw_is_sent(whatsapp_owner, fake_gateway):
    gateway = fake_gateway()
    row = outbox_row(whatsapp_owner, status=Status.UNCONFIRMED, attempts=1, last_error="timeout")
    assert services.deliver(row.pk) == "sent"
    assert gateway.lookups == 1 and gateway.copies(row.reference) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 2


def test_without_a_status_api_an_unknown_outcome_waits_for_the_window(whatsapp_owner, fake_gateway, settings):
    gateway = fake_gateway()
    settings.RK_WHATSAPP_STATUS_URL = ""  # like Meta and Wablas: webhook only
    settings.RK_WHATSAPP_RESEND_WINDOW = 900
    row = outbox_row(whatsapp_owner, status=Status.UNCONFIRMED, attempts=1, last_attempt_at=timezone.now())
    assert services.deliver(row.pk) == "unconfirmed"
    assert gateway.attempts == 0
    Notification.objects.filter(pk=row.pk).update(last_attempt_at=timezone.now() - datetime.timedelta(seconds=901))
    assert services.deliver(row.pk) == "sent"  # no webhook within the documented window: resend
    assert gateway.attempts == 1


def test_a_long_outage_gives_at_most_the_configured_attempts(whatsapp_owner, fake_gateway, settings):
    gateway = fake_gateway(failures=10_000)
    settings.RK_NOTIFY_MAX_ATTEMPTS = 4
    settings.RK_NOTIFY_RETRY_BASE = 600  # waits between tries: the relay must leave the row alone meanwhile
    row = outbox_row(whatsapp_owner)
    assert services.deliver(row.pk) == "retry"
    for _ in range(20):  # beat running for a long time: only due rows are published
        services.dispatch_pending()
    assert gateway.attempts == 1
    for _ in range(10):  # each wait over: one attempt per due time
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
        services.dispatch_pending()
    row.refresh_from_db()
    assert gateway.attempts == 4 and row.status == Status.FAILED and row.attempts == 4


def test_the_relay_skips_leased_and_waiting_rows_and_refuses_stale_copies(whatsapp_owner, fake_gateway):
    gateway = fake_gateway()
    later = timezone.now() + datetime.timedelta(minutes=5)
    outbox_row(whatsapp_owner, status=Status.SENDING, lease_until=later, next_attempt_at=later)
    outbox_row(whatsapp_owner, status=Status.PENDING, attempts=2, next_attempt_at=later)
    due = outbox_row(whatsapp_owner, next_attempt_at=timezone.now())
    assert services.dispatch_pending() == 1
    assert [m["reference"] for m in gateway.received] == [due.reference]
    assert services.deliver(due.pk, expected_attempts=0) == "skipped"  # a late copy of the first task


def test_email_keeps_one_message_id_per_notification(whatsapp_owner, settings):
    settings.RK_SITE_URL = "https://kemasan.example.go.id"
    row = outbox_row(whatsapp_owner, channel=Channel.EMAIL)
    services.deliver(row.pk)
    Notification.objects.filter(pk=row.pk).update(status=Status.PENDING, sent_at=None)  # as if the outcome had been lost
    services.deliver(row.pk)
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert ids == [f"<rk-notification-{row.pk}@kemasan.example.go.id>"] * 2
    assert f"Message-ID: {ids[0]}" in mail.outbox[0].message().as_string()


# --- webhooks ----------------------------------------------------------------------------------

@pytest.fixture
def webhook(settings, fake_gateway):
    fake_gateway()
    settings.RK_WHATSAPP_WEBHOOK_TOKEN = "t0ken-rahasia"
    settings.RK_WHATSAPP_WEBHOOK_SECRET = "s3cret"
    return reverse("notifications:whatsapp_webhook", args=["t0ken-rahasia"])


def signed(body: dict, secret="s3cret", prefix=""):
    raw = json.dumps(body).encode()
    return raw, prefix + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def test_webhook_needs_the_secret_token_and_a_valid_signature(client, whatsapp_owner, webhook):
    row = outbox_row(whatsapp_owner, status=Status.UNCONFIRMED)
    raw, signature = signed({"reference": row.reference, "status": "delivered"})
    wrong_url = reverse("notifications:whatsapp_webhook", args=["tebakan"])
    assert client.post(wrong_url, raw, content_type="application/json", HTTP_X_SIGNATURE=signature).status_code == 404
    forged = signed({"reference": row.reference, "status": "delivered"}, secret="tebakan")[1]
    assert client.post(webhook, raw, content_type="application/json", HTTP_X_SIGNATURE=forged).status_code == 403
    assert Notification.objects.get(pk=row.pk).status == Status.UNCONFIRMED
    assert client.post(webhook, raw, content_type="application/json", HTTP_X_SIGNATURE=signature).status_code == 200
    row.refresh_from_db()
    assert (row.status, row.provider_status) == (Status.SENT, DeliveryStatus.DELIVERED)


def test_webhook_statuses_only_move_forward(client, whatsapp_owner, webhook):
    row = outbox_row(whatsapp_owner, status=Status.SENT, provider_message_id="fake-9", provider_status="accepted")
    for word in ("read", "sent", "delivered"):  # out of order
        raw, signature = signed({"id": "fake-9", "status": word})
        client.post(webhook, raw, content_type="application/json", HTTP_X_SIGNATURE=signature)
    assert Notification.objects.get(pk=row.pk).provider_status == DeliveryStatus.READ


def test_meta_webhook_is_signed_with_the_app_secret_and_matches_our_reference(client, whatsapp_owner, webhook, settings):
    settings.RK_WHATSAPP_BACKEND = "notifications.gateways.MetaCloudGateway"
    settings.RK_WHATSAPP_VERIFY_TOKEN = "verifikasi"
    row = outbox_row(whatsapp_owner, status=Status.UNCONFIRMED)  # the send timed out: no message id known
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "statuses": [{"id": "wamid.HBg", "status": "sent", "timestamp": "1", "biz_opaque_callback_data": row.reference}]}}]}]}
    raw, signature = signed(payload, prefix="sha256=")
    assert client.post(webhook, raw, content_type="application/json", HTTP_X_HUB_SIGNATURE_256="sha256=00").status_code == 403
    assert client.post(webhook, raw, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature).status_code == 200
    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.provider_status) == (Status.SENT, "wamid.HBg", "sent")
    check = client.get(webhook, {"hub.mode": "subscribe", "hub.verify_token": "verifikasi", "hub.challenge": "42"})
    assert check.content == b"42"
    assert client.get(webhook, {"hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "42"}).status_code == 403


def test_fonnte_webhook_reports_by_message_id(client, whatsapp_owner, webhook, settings):
    settings.RK_WHATSAPP_BACKEND = "notifications.gateways.FonnteGateway"
    row = outbox_row(whatsapp_owner, status=Status.SENT, provider_message_id="80367170", provider_status="accepted")
    response = client.post(webhook, {"device": "62812", "id": "80367170", "stateid": "x", "state": "read", "status": "sent"})
    assert response.status_code == 200
    assert Notification.objects.get(pk=row.pk).provider_status == DeliveryStatus.READ


def test_a_failed_report_for_an_unconfirmed_row_makes_it_due_again(client, whatsapp_owner, webhook):
    row = outbox_row(whatsapp_owner, status=Status.UNCONFIRMED, provider_message_id="fake-3")
    raw, signature = signed({"id": "fake-3", "status": "failed"})
    client.post(webhook, raw, content_type="application/json", HTTP_X_SIGNATURE=signature)
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.next_attempt_at <= timezone.now()

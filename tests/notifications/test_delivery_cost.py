"""What one delivery costs the worker (issue 11, the notify-io bench): two statements, the recipient's
address read with the claim, no health-check query, and the environment read once per gateway host."""
import datetime
from types import SimpleNamespace

import pytest
import requests
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import checks, gateways, services
from notifications.models import Channel, Notification
from rumah_kemasan.celery import check_database_connection

from .test_delivery import outbox_row

Status = Notification.Status


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.WHATSAPP])
def test_a_delivery_is_two_statements(whatsapp_owner, fake_gateway, django_assert_num_queries, channel):
    gateway = fake_gateway()
    row = outbox_row(whatsapp_owner, channel=channel)
    with django_assert_num_queries(2):  # the claim (which reads the recipient too) and the result
        assert services.deliver(row.pk) == "sent"
    assert len(mail.outbox) + len(gateway.received) == 1


def test_the_claim_returns_the_row_as_stored_and_only_the_recipients_address(whatsapp_owner):
    row = outbox_row(whatsapp_owner, channel=Channel.EMAIL, link="/pesanan/1/")
    claimed, unknown = services._claim(row.pk, None)
    stored = Notification.objects.get(pk=row.pk)
    assert unknown is False
    for field in Notification._meta.concrete_fields:
        assert getattr(claimed, field.attname) == getattr(stored, field.attname), field.name
    assert (stored.status, stored.attempts, stored.lease_until > timezone.now()) == (Status.SENDING, 1, True)
    recipient = claimed.recipient
    assert (recipient.pk, recipient.email, recipient.phone, recipient.language) == (
        whatsapp_owner.pk, "ina@example.org", whatsapp_owner.phone, whatsapp_owner.language)
    assert {"password", "name", "notify_email"} <= recipient.get_deferred_fields()


PAST, FUTURE = datetime.timedelta(seconds=-1), datetime.timedelta(seconds=60)


@pytest.mark.parametrize("channel, status, lease, claimed, unknown", [
    (Channel.EMAIL, Status.PENDING, None, True, False),
    (Channel.WHATSAPP, Status.PENDING, None, True, False),
    (Channel.EMAIL, Status.SENDING, PAST, True, False),  # its worker died: the same Message-ID again
    (Channel.WHATSAPP, Status.SENDING, PAST, True, True),  # its worker died: the provider may have it
    (Channel.WHATSAPP, Status.UNCONFIRMED, None, True, True),
    (Channel.EMAIL, Status.SENDING, FUTURE, False, None),  # a live attempt holds it
    (Channel.WHATSAPP, Status.SENDING, FUTURE, False, None),
    (Channel.EMAIL, Status.SENT, None, False, None),
    (Channel.WHATSAPP, Status.FAILED, None, False, None),
])
def test_the_claim_tells_a_fresh_attempt_from_an_unknown_outcome(whatsapp_owner, channel, status, lease, claimed, unknown):
    before = timezone.now() - datetime.timedelta(minutes=5)
    row = outbox_row(whatsapp_owner, channel=channel, status=status, attempts=1, last_attempt_at=before,
                     lease_until=timezone.now() + lease if lease else None)
    result = services._claim(row.pk, None)
    stored = Notification.objects.get(pk=row.pk)
    if not claimed:
        assert result is None
        assert (stored.status, stored.attempts, stored.last_attempt_at) == (status, 1, before)
        return
    _row, outcome_unknown = result
    assert outcome_unknown is unknown
    assert stored.status == Status.SENDING
    # Only a fresh attempt is counted and stamped; an unknown outcome is counted when it is resent.
    assert stored.attempts == (1 if unknown else 2)
    assert (stored.last_attempt_at == before) is unknown


def test_a_stale_copy_of_the_task_claims_nothing(whatsapp_owner):
    row = outbox_row(whatsapp_owner, channel=Channel.EMAIL, attempts=2)
    assert services._claim(row.pk, 1) is None
    assert services._claim(row.pk, 2) is not None


def test_the_gateway_session_reads_proxies_once_per_host_and_honours_no_proxy(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.kantor:3128")
    monkeypatch.setenv("NO_PROXY", "gateway.lokal")
    reads, sent = [], []
    real = requests.utils.get_environ_proxies
    monkeypatch.setattr(requests.utils, "get_environ_proxies", lambda url, **kw: reads.append(url) or real(url, **kw))
    monkeypatch.setattr(requests.Session, "request", lambda self, method, url, **kw: sent.append((url, kw["proxies"])))
    session = gateways.Session()
    for _ in range(3):
        session.request("POST", "https://api.fonnte.com/send")
    session.request("POST", "https://gateway.lokal/send")
    assert len(reads) == 2  # once per host, not once per message
    assert sent[0][1].get("https") == "http://proxy.kantor:3128"
    assert sent[-1][1] == {}  # NO_PROXY
    assert session.trust_env is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("retries_database_errors, checked", [(False, True), (True, False)])
def test_the_health_check_query_is_skipped_only_for_tasks_that_retry_database_errors(retries_database_errors, checked):
    connection.ensure_connection()
    task = SimpleNamespace(request=SimpleNamespace(is_eager=False), retries_database_errors=retries_database_errors)
    check_database_connection(task=task)
    assert connection.health_check_done is not checked


@pytest.mark.parametrize("version, errors", [((3, 34, 1), 1), ((3, 35, 0), 0)])
def test_an_sqlite_without_returning_is_reported_before_delivery_fails(monkeypatch, version, errors):
    old = SimpleNamespace(vendor="sqlite", Database=SimpleNamespace(sqlite_version_info=version, sqlite_version=".".join(map(str, version))))
    monkeypatch.setattr(checks, "connections", {"default": old})
    found = checks.sqlite_can_return_rows(databases=["default"])
    assert len(found) == errors and all(error.id == "notifications.E002" for error in found)

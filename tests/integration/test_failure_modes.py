"""Issue 11's failure modes with a real worker (beat inside it: the relay every second), Redis and
PostgreSQL: a broker that is down or hung during people's actions, a gateway slower than its
timeout, a long gateway outage, a dropped database connection, WhatsApp down while email flows."""
import os
import signal
import subprocess
import time

import pytest
from django.db import connection
from django.urls import reverse

from bookings.models import Booking
from notifications import services
from notifications.models import Channel, Notification
from tests.integration.conftest import REDIS_DB, pouch, publishing_to, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOCAL_REDIS = f"redis://127.0.0.1:6379/{REDIS_DB}"


def act(client, owner, product, times=3):
    """People's actions while something is broken: an owner submits requests (each notifies the staff
    by email and in the app). Returns the slowest action in seconds."""
    client.force_login(owner)
    slowest = 0.0
    for _ in range(times):
        started = time.monotonic()
        response = client.post(reverse("bookings:create"), {"product": product.pk, "service": pouch().pk, "quantity": 100})
        slowest = max(slowest, time.monotonic() - started)
        assert response.status_code == 302
    return slowest


def whatsapp_to(owner, count=3, urgent=False):
    started = time.monotonic()
    for _ in range(count):
        services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"}, channels_=[Channel.WHATSAPP], urgent=urgent)
    return (time.monotonic() - started) / count


def open_rows():
    return Notification.objects.exclude(status__in=["sent", "failed"]).count()


def delivered_once(gateway):
    references = [n.reference for n in Notification.objects.filter(channel=Channel.WHATSAPP)]
    return all(gateway.copies(r) == 1 for r in references), references


# Issue 11's faults: Redis stopped for 30 s, and hung (SIGSTOP) for 20 s. RK_TEST_FAULT_SECONDS shortens
# both for a quick local run; CI runs the durations.
FAULT_SECONDS = {"down": 30.0, "hung": 20.0}
ACTION_EVERY = 4.0  # seconds between people's actions during the fault


def fault_seconds(fault):
    return float(os.environ.get("RK_TEST_FAULT_SECONDS") or FAULT_SECONDS[fault])


@pytest.mark.parametrize("fault", ["down", "hung"])
def test_a_broken_broker_holds_no_action_and_everything_arrives_once_soon_after(client, people, gateway, start_worker, own_redis, tmp_path, fault):
    owner, staff, product = people
    duration = fault_seconds(fault)
    own_redis.start()
    # As in production (Procfile): WhatsApp on a thread-pool worker; the rest, the relay (beat) and
    # urgent messages on a one-process worker, whose only prefetch slot a lost acknowledgement held.
    workers = [
        start_worker(own_redis.url, args=["-Q", "notify.whatsapp", "-P", "threads", "-c", "4"]),
        start_worker(own_redis.url, args=["-Q", "celery,notify.codes,notify.email,notify.inapp", "--pool=prefork",
                                          "--concurrency=1", "--beat", "--schedule", str(tmp_path / "beat")]),
    ]
    with publishing_to(own_redis.url):
        act(client, owner, product, times=1)  # a warm web process, as in production (templates, URL conf)
        wait_for(lambda: open_rows() == 0, message="the warm-up's messages")
        # Work in flight on both workers when the broker breaks: the gateway answers these two messages
        # 2 s later, so each worker finishes and acknowledges its task during the fault.
        gateway.delay, gateway.slow = 2.0, 2
        whatsapp_to(owner, count=1, urgent=True)  # notify.codes: the one-process worker
        whatsapp_to(owner, count=1)  # notify.whatsapp: the thread-pool worker
        wait_for(lambda: gateway.attempts == 2, timeout=10, message="the sends in flight")
        if fault == "down":
            own_redis.stop()
        else:
            own_redis.process.send_signal(signal.SIGSTOP)
        broke = time.monotonic()
        actions, slowest, per_message = 0, 0.0, 0.0
        try:
            while True:  # an action and a WhatsApp message every few seconds while the broker is broken
                slowest = max(slowest, act(client, owner, product, times=1))
                per_message = max(per_message, whatsapp_to(owner, count=1))
                actions += 1
                remaining = duration - (time.monotonic() - broke)
                if remaining <= ACTION_EVERY:
                    time.sleep(max(remaining, 0))
                    break
                time.sleep(ACTION_EVERY)
        finally:
            if fault == "down":
                own_redis.start()
            else:
                own_redis.process.send_signal(signal.SIGCONT)
        recovered = time.monotonic()
        broken_for = recovered - broke
        wait_for(lambda: open_rows() == 0, timeout=90, message="everything delivered after the broker came back")
        recovery = time.monotonic() - recovered
        time.sleep(2)  # anything delivered twice would show by now
    assert [worker.process.poll() for worker in workers] == [None, None]  # the same workers, never restarted
    assert slowest < 1.0, f"an action waited {slowest:.2f}s on a {fault} broker"
    assert per_message < 1.0
    assert recovery < 15, f"delivered {recovery:.1f}s after the broker came back"
    assert Booking.objects.count() == 1 + actions
    once, references = delivered_once(gateway)
    assert once and len(references) == 2 + actions and gateway.attempts == 2 + actions
    assert Notification.objects.filter(channel=Channel.EMAIL, status="sent").count() == 1 + actions
    print(f"\n[{fault} {broken_for:.0f} s] {actions} actions: slowest {slowest * 1000:.0f} ms, notify {per_message * 1000:.0f} ms,"
          f" recovery {recovery:.1f} s, duplicates 0")


def test_a_gateway_slower_than_its_timeout_sends_each_message_once(people, gateway, start_worker):
    owner, _staff, _product = people
    gateway.delay, gateway.slow = 3.0, None  # every request: accepted, then answered after 3 s
    start_worker(env={"RK_WHATSAPP_TIMEOUT": "1"})
    with publishing_to(LOCAL_REDIS):
        whatsapp_to(owner, count=4)
        wait_for(lambda: open_rows() == 0, timeout=90, message="every message confirmed")
    once, references = delivered_once(gateway)
    assert once and len(references) == 4
    assert gateway.attempts == 4 and gateway.lookups >= 4  # asked the provider instead of resending
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_long_gateway_outage_gives_a_bounded_number_of_attempts(people, gateway, start_worker):
    owner, _staff, _product = people
    gateway.failures = 10**6  # down for the whole test, while beat runs the relay every second
    start_worker(env={"RK_NOTIFY_MAX_ATTEMPTS": "3", "RK_NOTIFY_RETRY_BASE": "1"})
    with publishing_to(LOCAL_REDIS):
        whatsapp_to(owner, count=3)
        wait_for(lambda: open_rows() == 0, timeout=60, message="the retries to run out")
        time.sleep(5)  # beat keeps running: no new attempt may start
    assert gateway.attempts == 9  # 3 messages × 3 attempts, not one more
    assert set(Notification.objects.filter(channel=Channel.WHATSAPP).values_list("status", "attempts")) == {("failed", 3)}


def test_a_dropped_database_connection_is_survived(people, gateway, start_worker):
    owner, _staff, _product = people
    start_worker()
    with publishing_to(LOCAL_REDIS):
        whatsapp_to(owner, count=1)
        wait_for(lambda: open_rows() == 0, message="the first message")
        # Drop every connection of the worker (not ours): as a database restart or a network cut would.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        whatsapp_to(owner, count=2)
        wait_for(lambda: open_rows() == 0, timeout=30, message="delivery after the dropped connection")
    once, references = delivered_once(gateway)
    assert once and len(references) == 3


def test_email_and_in_app_flow_while_whatsapp_is_down(client, people, gateway, start_worker):
    owner, staff, product = people
    gateway.failures, gateway.delay, gateway.slow = 10**6, 20.0, None  # WhatsApp hangs 20 s, then fails
    env = {"RK_WHATSAPP_TIMEOUT": "15"}
    start_worker(env=env, args=["-Q", "notify.whatsapp", "-P", "threads", "-c", "4"])
    start_worker(env=env, args=["-Q", "celery,notify.codes,notify.email,notify.inapp", "-P", "threads", "-c", "4"])
    with publishing_to(LOCAL_REDIS):
        whatsapp_to(owner, count=6)  # more stuck WhatsApp messages than the WhatsApp worker has threads
        started = time.monotonic()
        act(client, owner, product, times=3)  # staff hear of each by email and in the app
        emails = Notification.objects.filter(channel=Channel.EMAIL)
        wait_for(lambda: emails.filter(status="sent").count() == 3, timeout=10, message="the emails")
        took = time.monotonic() - started
    assert took < 10
    assert Notification.objects.filter(channel=Channel.IN_APP, recipient=staff).count() == 3
    assert not Notification.objects.filter(channel=Channel.WHATSAPP, status="sent").exists()

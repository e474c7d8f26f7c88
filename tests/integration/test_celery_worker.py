"""Notifications through a real Celery worker on a real Redis, with PostgreSQL.

Each test starts `celery worker` as a separate process against the test database (its rows are
committed: transactional tests) and Redis database 15 on 127.0.0.1:6379, or a redis-server of the
test's own when the test stops, hangs or restarts it. They run in the PostgreSQL pass of
`make test`; without CI they skip when a service is missing, with CI=true that is a failure.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from kombu import pools as kombu_pools
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Service
from bookings.services import booking_verify
from notifications import services
from notifications.models import Channel, Notification
from rumah_kemasan.celery import app as celery_app
from tests.factories import BusinessFactory, ProductFactory, UserFactory
from tests.notifications.conftest import FakeGateway  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(settings.BASE_DIR)
REDIS_DB = 15


def unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: integration services must be there)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(autouse=True)
def services_needed():
    if connection.vendor != "postgresql":
        unavailable("the worker integration tests run on PostgreSQL (the second pass of make test)")
    if not redis_ping(6379):
        unavailable("no Redis on 127.0.0.1:6379")


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test may stop, freeze or restart."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_ping(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis():
    if not subprocess.run(["which", "redis-server"], capture_output=True).returncode == 0:
        unavailable("redis-server is not installed")
    server = RedisServer()
    yield server
    server.stop()


@contextmanager
def publishing_to(url: str):
    """Make this (web) process publish tasks to ``url`` instead of running them in-process."""
    keys = ("broker_url", "task_always_eager")
    before = {key: celery_app.conf[key] for key in keys}

    def fresh_pools():
        kombu_pools.reset()  # kombu keeps connection and producer pools in global registries
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(broker_url=url, task_always_eager=False)
    fresh_pools()
    try:
        yield
    finally:
        celery_app.conf.update(before)
        fresh_pools()


class Worker:
    def __init__(self, broker_url: str, gateway: FakeGateway, log: Path):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rumah_kemasan.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "integration-" + "x" * 50,
            "DATABASE_URL": f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "RK_WHATSAPP_BACKEND": "notifications.gateways.HttpGateway",
            "RK_WHATSAPP_STATUS_URL": gateway.status_url,
            "RK_NOTIFY_LEASE_SECONDS": "3",
            "RK_NOTIFY_RELAY_SECONDS": "1",
            "RK_WHATSAPP_CHECK_AFTER": "1",
            "RK_WHATSAPP_URL": gateway.url,
            "RK_WHATSAPP_TOKEN": "rahasia",
            "RK_NOTIFY_RETRY_BASE": "1",
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        self.log = log
        self.process = None

    def start(self):
        self.handle = open(self.log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "rumah_kemasan", "worker", "--pool=prefork", "--concurrency=1",
             "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "--beat", "--schedule", str(self.log.with_suffix(".beat"))],  # beat runs the relay every second
            cwd=ROOT, env=self.env, stdout=self.handle, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while "ready." not in self.log.read_text():
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "worker did not start: " + self.log.read_text()[-3000:]
            time.sleep(0.2)

    def children(self) -> list[int]:
        out = subprocess.run(["ps", "--ppid", str(self.process.pid), "-o", "pid="], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.handle.close()


@pytest.fixture
def gateway():
    fake = FakeGateway()
    yield fake
    fake.close()


@pytest.fixture
def start_worker(gateway, tmp_path):
    workers = []

    def start(broker_url=f"redis://127.0.0.1:6379/{REDIS_DB}"):
        worker = Worker(broker_url, gateway, tmp_path / f"worker-{len(workers)}.log")
        worker.start()
        workers.append(worker)
        return worker

    subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], capture_output=True)
    yield start
    for worker in workers:
        worker.stop()


def wait_for(condition, timeout=30, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.fixture
def people():
    owner = UserFactory(email="ina@example.org", notify_whatsapp=True, whatsapp_consent_at=timezone.now())
    staff = UserFactory(role="staff", email="petugas@example.org")
    product = ProductFactory(business=BusinessFactory(owner=owner))
    return owner, staff, product


def pouch():
    return Service.objects.get(slug="kemasan-standing-pouch")


def statuses(**filters):
    return sorted(Notification.objects.filter(**filters).exclude(channel=Channel.IN_APP).values_list("channel", "status"))


def test_submit_and_verify_notifications_arrive_through_the_worker(client, people, gateway, start_worker):
    owner, staff, product = people
    start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        client.force_login(owner)
        response = client.post(reverse("bookings:create"), {"product": product.pk, "service": pouch().pk, "quantity": 100})
        assert response.status_code == 302
        booking = Booking.objects.get()
        wait_for(lambda: statuses(recipient=staff) == [("email", "sent")], message="the staff's email")
        booking_verify(booking=booking, actor=staff, override_reason="uji")
        wait_for(lambda: gateway.received, message="the owner's WhatsApp message")
    assert booking.code in gateway.received[0]["message"]
    wait_for(lambda: ("whatsapp", "sent") in statuses(recipient=owner, kind="booking_status"), message="status sent")


def test_broker_down_at_submit_then_sent_once_when_back(client, people, gateway, start_worker, own_redis):
    owner, staff, product = people
    own_redis.start()
    own_redis.stop()  # the broker is down when the owner submits
    with publishing_to(own_redis.url):
        client.force_login(owner)
        started = time.monotonic()
        response = client.post(reverse("bookings:create"), {"product": product.pk, "service": pouch().pk, "quantity": 100})
        assert response.status_code == 302 and time.monotonic() - started < 10
        booking = Booking.objects.get()
        booking_verify(booking=booking, actor=staff, override_reason="uji")
        assert ("whatsapp", "pending") in statuses(recipient=owner)
        own_redis.start()  # the broker is back
        start_worker(own_redis.url)
        assert services.dispatch_pending() >= 1
        wait_for(lambda: ("whatsapp", "sent") in statuses(recipient=owner, kind="booking_status"), message="delivery")
        services.dispatch_pending()  # a second sweep finds nothing left to send
        time.sleep(2)
    assert len(gateway.received) == Notification.objects.filter(channel=Channel.WHATSAPP).count()
    assert gateway.attempts == len(gateway.received)  # nothing was sent twice


def test_a_hung_broker_holds_no_request_for_more_than_a_few_seconds(client, people, own_redis):
    owner, _staff, product = people
    own_redis.start()
    own_redis.process.send_signal(signal.SIGSTOP)
    try:
        with publishing_to(own_redis.url):
            client.force_login(owner)
            started = time.monotonic()
            response = client.post(reverse("bookings:create"), {"product": product.pk, "service": pouch().pk, "quantity": 100})
            elapsed = time.monotonic() - started
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    assert response.status_code == 302
    assert elapsed < 10, f"the request waited {elapsed:.1f}s on a hung broker"
    assert Booking.objects.count() == 1


def test_the_same_task_delivered_twice_sends_one_message(people, gateway, start_worker):
    from notifications.tasks import deliver_notification

    owner, _staff, product = people
    start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        note = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"}, channels_=[Channel.WHATSAPP])[0]
        deliver_notification.delay(note.pk)  # the same delivery twice more (notify() sent it once already)
        deliver_notification.delay(note.pk)
        wait_for(lambda: Notification.objects.get(pk=note.pk).status == "sent", message="delivery")
        time.sleep(2)  # let the second task run too
    assert gateway.attempts == 1 and len(gateway.received) == 1


def test_a_worker_child_killed_mid_task_still_sends_once(people, gateway, start_worker):
    owner, _staff, product = people
    gateway.delay = 5  # the gateway accepts the message, then hangs while we kill the worker's child
    worker = start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        note = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"}, channels_=[Channel.WHATSAPP])[0]
        wait_for(lambda: gateway.attempts == 1, message="the first attempt")
        for child in worker.children():
            os.kill(child, signal.SIGKILL)
        # The redelivered task finds the row leased; once the lease (3 s here) is over the relay hands
        # it out again, and the worker asks the provider before sending: it has the message.
        def relayed_and_sent():
            services.dispatch_pending()
            return Notification.objects.get(pk=note.pk).status == "sent"

        wait_for(relayed_and_sent, timeout=60, message="the row confirmed")
    assert gateway.lookups >= 1 and gateway.attempts == 1
    assert gateway.copies(note.reference) == 1  # the person saw it once


def test_a_gateway_that_fails_twice_then_succeeds_sends_one_message(people, gateway, start_worker):

    owner, _staff, product = people
    gateway.failures = 2
    start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        note = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"}, channels_=[Channel.WHATSAPP])[0]
        wait_for(lambda: Notification.objects.get(pk=note.pk).status == "sent", timeout=60, message="delivery after retries")
    note.refresh_from_db()
    assert (gateway.attempts, len(gateway.received), note.attempts) == (3, 1, 3)

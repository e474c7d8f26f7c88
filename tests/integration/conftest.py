"""Fixtures and helpers of the worker integration tests (real Celery worker, Redis, PostgreSQL).

Each test starts `celery worker` (with beat inside it, running the relay every second) as a separate
process against the test database (its rows are committed: transactional tests) and Redis database
15 on 127.0.0.1:6379, or a redis-server of the test's own when the test stops, hangs or restarts it.
They run in the PostgreSQL pass of `make test`; without CI they skip when a service is missing, with
CI=true that is a failure.
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
from django.db import connection
from django.utils import timezone
from kombu import pools as kombu_pools

from bookings.models import Service
from core import broker
from notifications.models import Channel, Notification
from rumah_kemasan.celery import app as celery_app
from tests.factories import BusinessFactory, ProductFactory, UserFactory
from tests.notifications.conftest import FakeGateway

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
        broker.reset()

    celery_app.conf.update(broker_url=url, task_always_eager=False)
    fresh_pools()
    try:
        yield
    finally:
        celery_app.conf.update(before)
        fresh_pools()


class Worker:
    def __init__(self, broker_url: str, gateway: FakeGateway, log: Path, env=None, args=()):
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
            "EMAIL_URL": "consolemail://",
            **(env or {}),
        }
        self.args = list(args)
        self.log = log
        self.process = None

    def start(self):
        self.handle = open(self.log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "rumah_kemasan", "worker", "--loglevel=INFO", "--without-heartbeat",
             "--without-gossip", "--without-mingle", "-n", f"{self.log.stem}@%h",
             *(self.args or ["--pool=prefork", "--concurrency=1", "--beat", "--schedule", str(self.log.with_suffix(".beat"))])],
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

    def start(broker_url=f"redis://127.0.0.1:6379/{REDIS_DB}", env=None, args=()):
        worker = Worker(broker_url, gateway, tmp_path / f"worker-{len(workers)}.log", env=env, args=args)
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



"""10,000 notifications through a real Celery worker on Redis, next to Celery's rate for a no-op task.

Run by benchmarks/run.py with DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) set. The
worker (2 processes, as many as cores) runs the whole time; 10,000 email notifications (the dummy
email backend: no network) are committed in batches of 100, and each is enqueued after its commit,
as in the app. Prints JSON.
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.tasks import noop  # noqa: E402
from notifications.models import Channel, Notification  # noqa: E402
from notifications.services import notify  # noqa: E402

COUNT = int(os.environ.get("BENCH_NOTIFICATIONS", "10000"))
BATCH = 100


def start_worker():
    log = open("/tmp/rk-bench-worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "rumah_kemasan", "worker", "--concurrency=2", "--loglevel=WARNING",
         "--include", "benchmarks.tasks", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env={**os.environ, "EMAIL_URL": "dummymail://"}, stdout=log, stderr=subprocess.STDOUT,
    )
    time.sleep(1)
    deadline = time.monotonic() + 60
    while "ready" not in open("/tmp/rk-bench-worker.log").read() and time.monotonic() < deadline:
        time.sleep(0.2)
    return worker


def wait(condition, timeout=900):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.05)


def main():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    user, _ = User.objects.get_or_create(username="bench-recipient", defaults={"name": "Bench", "email": "bench@example.org"})
    Notification.objects.filter(recipient=user).delete()
    worker = start_worker()
    try:
        # Celery's own rate: COUNT no-op tasks through the same worker.
        key = "rk-bench-noop"
        broker.delete(key)
        started = time.monotonic()
        for _ in range(COUNT):
            noop.delay(key)
        wait(lambda: int(broker.get(key) or 0) >= COUNT)
        noop_rate = COUNT / (time.monotonic() - started)

        # The notifications: commit in batches, enqueue after each commit.
        started = time.monotonic()
        for _ in range(COUNT // BATCH):
            with transaction.atomic():
                for _ in range(BATCH):
                    notify(recipient=user, kind="proof_reminder", context={"link": "/"}, channels_=[Channel.EMAIL])
        sent = Notification.objects.filter(recipient=user, channel=Channel.EMAIL, status=Notification.Status.SENT)
        wait(lambda: sent.count() >= COUNT)
        elapsed = time.monotonic() - started
        latencies = sorted(
            (n.sent_at - n.created_at).total_seconds() * 1000 for n in sent.only("created_at", "sent_at")
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(json.dumps({
        "count": COUNT,
        "noop_rate": noop_rate,
        "rate": COUNT / elapsed,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "duplicates": Notification.objects.filter(recipient=user, channel=Channel.EMAIL).count() - COUNT,
    }))


if __name__ == "__main__":
    main()

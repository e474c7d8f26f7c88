"""Driver of the WhatsApp code benchmark (run by benchmarks/whatsapp_codes.py with the environment set).

Creates the owners, puts a backlog of ordinary WhatsApp notifications in the outbox, then asks for a
sign-in code every 100 ms through the real page (Django's test client: the view, the database, the
outbox and the broker are the real ones) and records when each request started. Prints JSON.
"""
import json
import os
import statistics
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
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import OwnerPhone, User  # noqa: E402
from benchmarks.codes_gateway import KEY  # noqa: E402
from benchmarks.tasks import stamp  # noqa: E402
from notifications.models import Channel, Notification  # noqa: E402
from notifications.services import notify  # noqa: E402

CODES = int(os.environ.get("BENCH_CODES", "100"))
BACKLOG = int(os.environ.get("BENCH_CODES_BACKLOG", "1000"))
GAP = 0.1


def percentile(values, fraction):
    ordered = sorted(values)
    index = (len(ordered) - 1) * fraction
    low = int(index)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def summary(values):
    return {"n": len(values), "p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "max": max(values),
            "mean": statistics.mean(values)}


def main():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    owner_group = Group.objects.get(name="owner")
    owners = []
    for i in range(CODES):
        phone = f"+628139{i:06d}"
        user = User(username=f"bench-owner-{i}", name=f"Pemilik {i}", phone=phone, notify_whatsapp=True, notify_email=False)
        user.set_unusable_password()
        owners.append(user)
    User.objects.bulk_create(owners)
    owners = list(User.objects.filter(username__startswith="bench-owner-").order_by("pk"))
    owner_group.user_set.add(*owners)
    OwnerPhone.objects.bulk_create([OwnerPhone(user=u, phone=u.phone) for u in owners])
    # A backlog of ordinary WhatsApp messages on their own queue (each takes the gateway 20 ms).
    from django.utils import timezone

    for user in owners:
        user.whatsapp_consent_at = timezone.now()
    User.objects.bulk_update(owners, ["whatsapp_consent_at"])
    for start in range(0, BACKLOG, 100):
        with transaction.atomic():
            for i in range(start, min(start + 100, BACKLOG)):
                notify(recipient=owners[i % len(owners)], kind="booking_status", context={"status": "x", "note": ""},
                       channels_=[Channel.WHATSAPP])
    time.sleep(0.5)

    client = Client(HTTP_HOST="127.0.0.1")
    started = {}
    for user in owners:
        t0 = time.time()
        response = client.post("/masuk-wa/", {"phone": "0" + user.phone[3:]})
        assert response.status_code == 302, response.status_code
        started[user.pk] = t0
        time.sleep(GAP)
    # The floor: a no-op task published and run by the default worker, timed the same way.
    floor_started = []
    for i in range(CODES):
        t0 = time.time()
        floor_started.append(t0)
        stamp.delay("bench:codes:floor", str(i))
        time.sleep(GAP)
    deadline = time.monotonic() + 120
    codes = dict(Notification.objects.filter(kind="whatsapp_code").values_list("pk", "recipient_id"))
    while time.monotonic() < deadline:
        handed = broker.hgetall(KEY)
        done = [pk for pk in codes if f"rk-notification-{pk}".encode() in handed]
        floor = broker.hgetall("bench:codes:floor")
        if len(done) == len(codes) and len(floor) == CODES:
            break
        time.sleep(0.2)
    handed = {k.decode(): float(v) for k, v in broker.hgetall(KEY).items()}
    latencies = [handed[f"rk-notification-{pk}"] - started[user_id] for pk, user_id in codes.items()
                 if f"rk-notification-{pk}" in handed]
    floor = {int(k): float(v) for k, v in broker.hgetall("bench:codes:floor").items()}
    floor_latencies = [floor[i] - floor_started[i] for i in floor]
    backlog_sent = sum(1 for ref in handed if ref.startswith("rk-notification-") and int(ref.rsplit("-", 1)[1]) not in codes)
    print(json.dumps({
        "codes": summary(latencies), "floor": summary(floor_latencies), "lost": len(codes) - len(latencies),
        "requested": CODES, "backlog": BACKLOG, "backlog_sent_during_run": backlog_sent,
        "queued_codes": Notification.objects.filter(kind="whatsapp_code", urgent=True).count(),
    }))


if __name__ == "__main__":
    main()

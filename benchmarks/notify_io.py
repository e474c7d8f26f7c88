"""Bench section ``notify-io`` (issue 11): notification delivery over real I/O next to Celery's no-op rate.

WhatsApp goes to an HTTP gateway on 127.0.0.1 that answers every message after 50 ms; email goes by
SMTP to a local debugging server (aiosmtpd). The workers are the production layout from the
Procfile: one for ``notify.whatsapp`` and one for ``notify.email`` (thread pools, because delivery
waits on the network, not the CPU). In the same run and through the same two workers, Celery's rate
for a no-op task; and for reference the no-op rate of the default prefork worker (2 processes).
PostgreSQL database ``i11_bench_notify`` (override: BENCH_NOTIFY_IO_DATABASE_URL), Redis db 14.
"""
import datetime
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("BENCH_NOTIFY_IO", "2000"))  # half WhatsApp, half email
GATEWAY_DELAY = 0.05
THREADS = {"notify.whatsapp": 16, "notify.email": 8}


def run(base_env) -> str:
    sys.path.insert(0, str(ROOT))
    from benchmarks.run import fresh_postgres

    url = os.environ.get("BENCH_NOTIFY_IO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/i11_bench_notify")
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
    if not fresh_postgres(url):
        return "PostgreSQL was not reachable: not measured."
    env = {**base_env, "DATABASE_URL": url, "CELERY_BROKER_URL": broker, "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "bench-" + "x" * 50, "DJANGO_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, "benchmarks/notify_io.py"], cwd=ROOT, env=env, check=True, text=True,
                         capture_output=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    ratio = r["rate"] / r["noop_rate"]
    return "\n".join([
        "## Notification delivery over real I/O (issue 11)",
        "",
        f"{r['count']:,} notifications, half WhatsApp to an HTTP gateway on 127.0.0.1 that answers after "
        f"{GATEWAY_DELAY * 1000:.0f} ms, half email by SMTP to a local aiosmtpd server; committed in batches of 100, "
        "published after each commit. Workers as in the Procfile: `notify.whatsapp` on a pool of "
        f"{THREADS['notify.whatsapp']} threads, `notify.email` on {THREADS['notify.email']} threads (delivery waits on "
        "the network: threads, not more processes, keep many requests in flight at the memory of one process). "
        "Celery's no-op rate measured in the same run through the same two workers. Redis and PostgreSQL on the same "
        f"machine; {os.cpu_count()} cores shared with other work while this ran (load average {r['load']:.0f} at the "
        "start), so absolute numbers are noisy. The aim is stated against the no-op rate of the same workers; the "
        f"default prefork worker's no-op rate is given too ({r['rate'] / r['noop_prefork_rate']:.2f}× that one).",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| no-op task rate, the two notification workers | {r['noop_rate']:.0f} tasks/s |",
        f"| no-op task rate, default prefork worker (2 processes), for reference | {r['noop_prefork_rate']:.0f} tasks/s |",
        f"| notification rate (commit to sent) | {r['rate']:.0f} notifications/s (**{ratio:.2f}×** the no-op rate; aim ≥ 0.5×) |",
        f"| WhatsApp messages the gateway received / sent twice | {r['gateway_received']:,} / {r['whatsapp_duplicates']} |",
        f"| emails the SMTP server received / distinct Message-IDs | {r['smtp_received']:,} / {r['smtp_distinct_ids']:,} |",
        f"| time from commit to sent, p50 / p95 | {r['p50_ms'] / 1000:.2f} s / {r['p95_ms'] / 1000:.2f} s |",
        f"| messages sent more than 2 s after their commit (queued behind the burst, or left to the relay) | {r['late']:,} |",
        "",
        "With the same 50 ms gateway, one delivery at a time would give at most 20 WhatsApp messages/s per process; "
        f"the thread pools keep {THREADS['notify.whatsapp']} in flight. Reproduce: "
        "`python benchmarks/run.py --only notify-io`.",
    ])


# --- the measurement, in its own process with Django set up ------------------------------------

class Gateway:
    def __init__(self):
        self.received, self.references = 0, set()
        self.duplicates = 0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(GATEWAY_DELAY)
                with gateway.lock:
                    gateway.received += 1
                    if body["reference"] in gateway.references:
                        gateway.duplicates += 1
                    gateway.references.add(body["reference"])
                    number = gateway.received
                payload = json.dumps({"id": f"bench-{number}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class SmtpCounter:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received, self.ids = 0, set()
        counter = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                counter.received += 1
                for line in envelope.content.decode("utf-8", "replace").splitlines():
                    if line.lower().startswith("message-id:"):
                        counter.ids.add(line.split(":", 1)[1].strip())
                        break
                return "250 OK"

        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def start_worker(name, args, env, log_dir):
    log = open(log_dir / f"rk-bench-{name}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "rumah_kemasan", "worker", "--loglevel=WARNING", "--include",
         "benchmarks.tasks", "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"{name}@%h", *args],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    return process


def wait(condition, timeout=900):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.05)


def noop_rate(noop, broker, key, count, queues):
    broker.delete(key)
    started = time.monotonic()
    for i in range(count):
        noop.apply_async((key,), queue=queues[i % len(queues)])
    wait(lambda: int(broker.get(key) or 0) >= count)
    return count / (time.monotonic() - started)


def main():
    import django

    sys.path.insert(0, str(ROOT))
    load = os.getloadavg()[0]
    gateway, smtp = Gateway(), SmtpCounter()
    os.environ.update({
        "RK_WHATSAPP_BACKEND": "notifications.gateways.HttpGateway", "RK_WHATSAPP_URL": gateway.url,
        "RK_WHATSAPP_TOKEN": "bench", "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
    })
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
    django.setup()
    import redis
    from django.conf import settings
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from accounts.models import User
    from benchmarks.tasks import noop
    from notifications.models import Channel, Notification
    from notifications.services import notify

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    user, _ = User.objects.get_or_create(username="bench-recipient", defaults={
        "name": "Bench", "email": "bench@example.org", "phone": "+6281234567890", "notify_whatsapp": True,
        "whatsapp_consent_at": timezone.now()})
    log_dir = Path("/tmp")
    env = dict(os.environ)
    workers = [
        start_worker("whatsapp", ["-Q", "notify.whatsapp", "-P", "threads", "-c", str(THREADS["notify.whatsapp"])], env, log_dir),
        start_worker("email", ["-Q", "notify.email", "-P", "threads", "-c", str(THREADS["notify.email"])], env, log_dir),
        start_worker("default", ["-Q", "celery", "-P", "prefork", "-c", "2"], env, log_dir),
        # Beat runs the relay (every 5 s, as in production): a publish that missed its 100 ms deadline
        # on this busy machine is sent by it, as it would be after a broker hiccup.
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "rumah_kemasan", "beat", "--loglevel=WARNING",
                          "--schedule", str(log_dir / "rk-bench-beat-schedule")], cwd=ROOT, env=env,
                         stdout=open(log_dir / "rk-bench-beat.log", "w"), stderr=subprocess.STDOUT),
    ]
    try:
        time.sleep(8)  # let the workers start
        noop_rate(noop, broker, "rk-bench-warm", 200, ["notify.whatsapp", "notify.email", "celery"])
        notification_workers = noop_rate(noop, broker, "rk-bench-noop", COUNT, ["notify.whatsapp", "notify.email"])
        prefork = noop_rate(noop, broker, "rk-bench-noop-prefork", COUNT, ["celery"])

        started = time.monotonic()
        channels = [Channel.WHATSAPP, Channel.EMAIL]
        for batch in range(COUNT // 100):
            with transaction.atomic():
                for i in range(100):
                    notify(recipient=user, kind="proof_reminder", context={"link": "/"}, channels_=[channels[i % 2]])
        sent = Notification.objects.filter(recipient=user, status=Notification.Status.SENT).exclude(channel=Channel.IN_APP)
        wait(lambda: sent.count() >= COUNT)
        elapsed = time.monotonic() - started
        latencies = sorted((n.sent_at - n.created_at).total_seconds() * 1000 for n in sent.only("created_at", "sent_at"))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        smtp.controller.stop()
    relayed = Notification.objects.filter(recipient=user).exclude(channel=Channel.IN_APP).filter(
        sent_at__gt=F("created_at") + datetime.timedelta(seconds=2)).count()
    print(json.dumps({
        "count": COUNT, "late": relayed, "load": load, "noop_rate": notification_workers, "noop_prefork_rate": prefork, "rate": COUNT / elapsed,
        "p50_ms": statistics.median(latencies), "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "gateway_received": gateway.received, "whatsapp_duplicates": gateway.duplicates,
        "smtp_received": smtp.received, "smtp_distinct_ids": len(smtp.ids),
    }))


if __name__ == "__main__":
    main()

"""Bench section reader_pages (issue 12): the pages and files people read, next to a bare view.

A temporary SQLite database filled with `seed_demo --bookings N` (default 5,000, `BENCH_READER_SIZE`):
the owner's action-first home (a generated owner with requests waiting), the staff board in its five
stages (desktop) and with a state picked (phone), the export list htmx polls, the unread count htmx
polls; and the year's exports with labels, number formats and sized columns, next to a bare count
of the same requests. Server time measured with Django's test client, 15 rounds, p50 / p95 in ms.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_READER_ROUNDS", "15"))


def _timed(fn, rounds=ROUNDS):
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50": round(times[len(times) // 2], 1), "p95": round(times[max(int(len(times) * 0.95) - 1, 0)], 1)}


def measure() -> dict:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from bookings.models import Booking
    from bookings.workflow import WAITING_FOR_OWNER
    from reports import exports
    from reports.metrics import ReportParams, build

    settings.ALLOWED_HOSTS = ["testserver"]

    def page(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return get

    staff, admin = Client(), Client()
    staff.force_login(User.objects.get(username="petugas"))
    admin.force_login(User.objects.get(username="admin"))
    busiest = (
        User.objects.filter(username__startswith="demo-owner-", businesses__bookings__status__in=WAITING_FOR_OWNER)
        .annotate(n=Count("businesses__bookings")).order_by("-n").first()
    )
    owner = Client()
    owner.force_login(busiest)
    today = timezone.localdate()
    year = ReportParams(start=today.replace(month=1, day=1), end=today)
    return {
        "bookings": Booking.objects.count(),
        "bare view": _timed(page(Client(), "/bench/bare/")),
        "owner home (action-first)": _timed(page(owner, "/beranda/")),
        "board (five stages)": _timed(page(staff, "/petugas/")),
        "board, one state picked (phone)": _timed(page(staff, "/petugas/?tahap=produksi")),
        "unread count (htmx, every minute)": _timed(page(owner, "/notifikasi/belum-dibaca/")),
        "export list (htmx, every 3 s while pending)": _timed(page(admin, "/laporan/ekspor/status/")),
        "bare count of the year's requests": _timed(lambda: Booking.objects.filter(submitted_at__date__gte=year.start).count()),
        "report XLSX of the year": _timed(lambda: exports.report_xlsx(build(year)), rounds=3),
        "requests XLSX of the year": _timed(lambda: exports.bookings_xlsx(year), rounds=3),
        "requests CSV of the year": _timed(lambda: exports.bookings_csv(year), rounds=3),
    }


def run(base_env) -> str:
    size = int(os.environ.get("BENCH_READER_SIZE", "5000"))
    with tempfile.TemporaryDirectory() as folder:
        env = {**base_env, "DATABASE_URL": f"sqlite:///{folder}/reader.sqlite3", "DJANGO_DEBUG": "true"}
        measure_env = {
            **env, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "bench-" + "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ROOT_URLCONF": "benchmarks.urls", "DJANGO_LOG_LEVEL": "ERROR",
        }

        def call(args, environment, capture=False):
            done = subprocess.run([sys.executable, *args], cwd=ROOT, env=environment, check=True, text=True, capture_output=capture)
            return done.stdout

        call(["manage.py", "migrate", "--noinput", "-v0"], env)
        call(["manage.py", "seed_demo", "--bookings", str(size)], env, capture=True)
        call(["manage.py", "collectstatic", "--noinput", "-v0"], measure_env)
        out = call([str(Path(__file__)), "measure"], measure_env, capture=True)
    results = json.loads(out.strip().splitlines()[-1])
    bare, count = results["bare view"]["p50"], results["bare count of the year's requests"]["p50"]
    lines = [
        "## Reader pages and exports (issue 12)",
        "",
        f"SQLite, `seed_demo --bookings {size:,}` ({results['bookings']:,} requests in all), Django's test client, "
        f"{ROUNDS} rounds (the exports 3); server time in ms and as a multiple of the floor next to it. "
        "The machine (2 cores) was shared with other sessions' work, so absolute times vary; the ratios are the measure. "
        "Reproduce: `python benchmarks/run.py --only reader_pages`.",
        "",
        "| what | p50 ms | p95 ms | × floor |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, value in results.items():
        if name == "bookings":
            continue
        floor = count if "XLSX" in name or "CSV" in name or name.startswith("bare count") else bare
        lines.append(f"| {name} | {value['p50']} | {value['p95']} | {value['p50'] / floor:.1f} |")
    lines.append("")
    lines.append("Floors: pages against the bare view (one query, one small template); exports against a bare count of the same requests.")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        print(json.dumps(measure()))

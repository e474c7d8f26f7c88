"""Server time of the main pages, measured in-process with Django's test client.

Run by benchmarks/run.py against a database that seed_demo has filled; prints JSON.
"""
import json
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Booking  # noqa: E402
from bookings.tracking import tracking_url  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
WARMUP = 5


def measure(client, url, rounds=None):
    for _ in range(WARMUP if rounds is None else 1):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(rounds or ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    staff = User.objects.get(username="petugas")
    owner = (
        User.objects.filter(username__startswith="demo-owner-")
        .annotate(n=Count("businesses__bookings"))
        .order_by("-n", "pk")
        .first()
    )
    booking = Booking.objects.filter(business__owner=owner).order_by("-submitted_at").first()
    results = {"bookings": Booking.objects.count()}
    anonymous = Client()
    results["bare view"] = measure(anonymous, "/bench/bare/")
    office = Client()
    office.force_login(staff)
    results["staff board"] = measure(office, "/petugas/")
    results["staff today view"] = measure(office, "/petugas/hari-ini/")
    own = Client()
    own.force_login(owner)
    results["my requests"] = measure(own, "/permohonan/")
    results["booking detail"] = measure(own, booking.get_absolute_url())
    results["tracking link"] = measure(anonymous, tracking_url(booking))
    results.update(report_timings())
    print(json.dumps(results))


def timed(function, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(int(len(times) * 0.95) - 1, 0)]}


def report_timings():
    """The report page for the past year, next to a bare count of the events; the year's XLSX exports."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from bookings.models import BookingEvent
    from reports import exports
    from reports.metrics import ReportParams, build

    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    head = Client()
    head.force_login(User.objects.get(username="kepala"))

    def bare_count():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {BookingEvent._meta.db_table}")
            cursor.fetchone()

    params = ReportParams(start=start, end=today)
    xlsx_started = time.perf_counter()
    exports.report_xlsx(build(params))
    report_xlsx = time.perf_counter() - xlsx_started
    raw_started = time.perf_counter()
    exports.bookings_xlsx(params)
    raw_xlsx = time.perf_counter() - raw_started
    return {
        "events": BookingEvent.objects.count(),
        "bare count(*) over events": timed(bare_count, 10),
        "report page (a year)": measure(head, f"/laporan/?start={start:%Y-%m-%d}&end={today:%Y-%m-%d}", rounds=5),
        "xlsx_report_s": report_xlsx,
        "xlsx_bookings_s": raw_xlsx,
    }


if __name__ == "__main__":
    main()

"""Time each part of the year's report against a bare ``SELECT count(*)`` over the events.

    DATABASE_URL=postgres://…/rollup_bench .venv/bin/python benchmarks/report_profile.py [live|facts|both]

Prints one line per stage (median of ROUNDS runs, ms) and the ratio of build() to the count.
"""
import datetime
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.models import BookingEvent  # noqa: E402
from reports import metrics  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def timed(function, rounds=ROUNDS):
    function()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bare_count():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {BookingEvent._meta.db_table}")
        cursor.fetchone()


def main():
    sources = sys.argv[1:] or ["live", "facts"]
    sources = ["live", "facts"] if sources == ["both"] else sources
    today = timezone.localdate()
    params = metrics.ReportParams(start=today - datetime.timedelta(days=365), end=today)
    count_ms = timed(bare_count, 10)
    print(f"count(*) over events: {count_ms:.1f} ms")
    for source in sources:
        parts = metrics.source_parts(params, source)
        for name, function in parts.items():
            print(f"  {source:5} {name:<22} {timed(function):8.1f} ms")
        total = timed(lambda: metrics.build(params, source=source))
        again = timed(bare_count, 10)
        print(f"{source}: build() {total:.1f} ms; count(*) {again:.1f} ms; ratio {total / again:.1f}×")


if __name__ == "__main__":
    main()

"""The report page (/laporan/) for the past year through Django's test client, signed in as `kepala`: read
live, from the facts, and from the facts with the seven per-dimension breakdown queries instead of the
two-level one; build() alone likewise; the page after 200 bookings were marked dirty (a minute's writes,
refreshed on read). A bare count(*) over the events is timed between them: ratios are to its median.

    DATABASE_URL=postgres://…/rollup_bench DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=false \\
        .venv/bin/python benchmarks/report_page.py      (after seed_demo --bookings N and collectstatic)
"""
import datetime
import functools
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.report_profile import bare_count, timed  # noqa: E402  (sets Django up)
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Booking, BookingEvent  # noqa: E402
from reports import metrics, rollup, selectors  # noqa: E402


def main():
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    params = metrics.ReportParams(start=start, end=today)
    head = Client()
    head.force_login(User.objects.get(username="kepala"))
    url = f"/laporan/?start={start:%Y-%m-%d}&end={today:%Y-%m-%d}"

    def page():
        response = head.get(url)
        assert response.status_code == 200, response.status_code

    two_level, build = metrics._breakdown_rows_two_level, selectors.build

    def seven(p, source):
        return {dimension: metrics._dimension_rows(p, dimension, source) for dimension in metrics.BREAKDOWNS}

    print(f"bookings {Booking.objects.count()}, events {BookingEvent.objects.count()}, load {os.getloadavg()}")
    results = {}
    for _round in range(2):
        results.setdefault("count", []).append(timed(bare_count, 10))
        selectors.build = functools.partial(build, source="live")  # what the page reads
        results.setdefault("page live", []).append(timed(page))
        selectors.build = build
        metrics._breakdown_rows_two_level = seven
        results.setdefault("page facts, 7 breakdown queries", []).append(timed(page))
        results.setdefault("build facts, 7 breakdown queries", []).append(timed(lambda: metrics.build(params)))
        metrics._breakdown_rows_two_level = two_level
        results.setdefault("page facts", []).append(timed(page))
        results.setdefault("build facts", []).append(timed(lambda: metrics.build(params)))
        results.setdefault("build live", []).append(timed(lambda: metrics.build(params, source="live"), 3))
        results.setdefault("count", []).append(timed(bare_count, 10))
    # A minute's writes: 200 bookings marked, then the page refreshes them before it reads.
    ids = list(Booking.objects.order_by("-pk").values_list("pk", flat=True)[:200])

    def marked_page():
        rollup.mark(ids)
        page()

    results["page facts, 200 marks refreshed on read"] = [timed(marked_page)]
    results["refresh_dirty(), 200 marks"] = [timed(lambda: (rollup.mark(ids), rollup.refresh_dirty()))]
    results["count"].append(timed(bare_count, 10))
    floor = statistics.median(results.pop("count"))
    print(f"count(*) over events: median {floor:.1f} ms")
    for name, values in results.items():
        value = statistics.median(values)
        print(f"{name:<45} {value:8.0f} ms  {value / floor:5.1f}×   runs {[round(x) for x in values]}")
    print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()

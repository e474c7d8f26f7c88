"""The report page (/laporan/) for the past year through Django's test client, signed in as `kepala`: read
live, from the facts, and from the facts with the seven per-dimension breakdown queries instead of the
two-level one; build() alone likewise; the page after 200 bookings were marked dirty (a minute's writes,
refreshed on read). A bare count(*) over the events is timed between them: ratios are to its median.

    DATABASE_URL=postgres://…/rollup_bench DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=false \
        .venv/bin/python benchmarks/report_page.py      (after seed_demo --bookings N and collectstatic)
"""
import datetime, os, statistics, sys, time, functools
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
import django  # noqa: E402

django.setup()
from django.db import connection
from django.test import Client
from django.utils import timezone
from accounts.models import User
from bookings.models import Booking, BookingEvent
from reports import metrics, rollup, views
ROUNDS = int(os.environ.get("ROUNDS", "5"))
def timed(f, n=ROUNDS):
    f(); t = []
    for _ in range(n):
        s = time.perf_counter(); f(); t.append((time.perf_counter() - s) * 1000)
    return statistics.median(t)
def bare():
    with connection.cursor() as c:
        c.execute(f"SELECT count(*) FROM {BookingEvent._meta.db_table}"); c.fetchone()
today = timezone.localdate(); start = today - datetime.timedelta(days=365)
params = metrics.ReportParams(start=start, end=today)
head = Client(); head.force_login(User.objects.get(username="kepala"))
url = f"/laporan/?start={start:%Y-%m-%d}&end={today:%Y-%m-%d}"
def page():
    r = head.get(url); assert r.status_code == 200, r.status_code
two_level = metrics._breakdown_rows_two_level
seven = lambda p, s: {d: metrics._dimension_rows(p, d, s) for d in metrics.BREAKDOWNS}
original_build = views.build
print(f"bookings {Booking.objects.count()}, events {BookingEvent.objects.count()}, load {os.getloadavg()}")
results = {}
for rnd in range(2):
    results.setdefault("count", []).append(timed(bare, 10))
    views.build = functools.partial(original_build, source="live")
    results.setdefault("page live", []).append(timed(page))
    views.build = original_build
    metrics._breakdown_rows_two_level = seven
    results.setdefault("page facts, 7 breakdown queries", []).append(timed(page))
    results.setdefault("build facts, 7 breakdown queries", []).append(timed(lambda: metrics.build(params)))
    metrics._breakdown_rows_two_level = two_level
    results.setdefault("page facts", []).append(timed(page))
    results.setdefault("build facts", []).append(timed(lambda: metrics.build(params)))
    results.setdefault("build live", []).append(timed(lambda: metrics.build(params, source="live"), 3))
    results.setdefault("count", []).append(timed(bare, 10))
# a minute's writes: 200 bookings marked, then the page refreshes them before it reads
ids = list(Booking.objects.order_by("-pk").values_list("pk", flat=True)[:200])
def marked_page():
    rollup.mark(ids); page()
results["page facts, 200 marks refreshed on read"] = [timed(marked_page)]
results["refresh_dirty(), 200 marks"] = [timed(lambda: (rollup.mark(ids), rollup.refresh_dirty()))]
results["count"].append(timed(bare, 10))
floor = statistics.median(results["count"])
print(f"count(*) over events: runs {[round(x,1) for x in results['count']]} ms, median {floor:.1f} ms")
for name, values in results.items():
    if name == "count": continue
    v = statistics.median(values)
    print(f"{name:<45} {v:8.0f} ms  {v / floor:5.1f}×   runs {[round(x) for x in values]}")
print(f"load {os.getloadavg()}")

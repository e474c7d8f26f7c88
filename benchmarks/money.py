"""The year's cash book at 100,000 bookings (`python benchmarks/run.py --only money`).

For SQLite and PostgreSQL (database `i14_bench`, or BENCH_MONEY_DATABASE_URL): a fresh database, 100,000
bookings bulk-inserted with 125,000 ledger entries spread over the year's days (one payment per booking,
every 4th a second one, every 20th refunded, every 50th reversed; cash, transfer and QRIS), ANALYZE, then
timed in one process, median of 7 runs each after a warm-up:
- the floor: a bare `SELECT count(*)` of the ledger;
- the cash book selector for the year, and the whole cash-book page through Django's test client signed in
  as a treasurer: first with no day closed (the worst case), then with every day but the last two closed.
The target: the year's cash book within 10× the bare count.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOKINGS = int(os.environ.get("BENCH_MONEY_BOOKINGS", "100000"))
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/i14_bench"
RUNS = 7


def fill(year: int) -> int:
    """Bulk-insert the bookings and their ledger entries; returns the number of entries."""
    import datetime

    from django.utils import timezone

    from accounts.models import District
    from bookings.models import Booking, Service
    from payments.models import LedgerEntry
    from reports import rollup
    from tests.factories import BusinessFactory, ProductFactory

    district = District.objects.first()
    products = [ProductFactory(business=BusinessFactory(district=district)) for _ in range(50)]
    service = Service.objects.get(slug="sablon")
    start = datetime.date(year, 1, 1)
    methods = ["cash", "transfer", "qris"]
    total = 0
    for first in range(0, BOOKINGS, 5000):
        rows = []
        for i in range(first, min(first + 5000, BOOKINGS)):
            product = products[i % len(products)]
            day = start + datetime.timedelta(days=i % 365)
            rows.append(Booking(
                code=f"BN-{year}-{i:06d}", business_id=product.business_id, product=product, service=service,
                created_by_id=product.business.owner_id, quantity=100, unit_price=3000, estimated_cost=300_000,
                status="selesai", submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
            ))
        Booking.objects.bulk_create(rows, batch_size=1000)
        entries, receipt = [], first * 2
        for i, booking in enumerate(rows, start=first):
            day = start + datetime.timedelta(days=i % 365)
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
            payments = [200_000, 100_000] if i % 4 == 0 else [300_000]
            for k, amount in enumerate(payments):
                receipt += 1
                entries.append(LedgerEntry(booking=booking, kind="payment", method=methods[(i + k) % 3], amount=amount,
                                           business_day=day, recorded_at=at, receipt_year=year, receipt_number=receipt))
            if i % 20 == 0:
                receipt += 1
                entries.append(LedgerEntry(booking=booking, kind="refund", method="cash", amount=-50_000, business_day=day,
                                           recorded_at=at, receipt_year=year, receipt_number=receipt))
        created = LedgerEntry.objects.bulk_create(entries, batch_size=2000)
        total += len(created)
        reversals = [LedgerEntry(booking_id=e.booking_id, kind="reversal", method=e.method, amount=-e.amount, reverses=e,
                                 business_day=e.business_day, recorded_at=e.recorded_at)
                     for n, e in enumerate(created) if e.kind == "payment" and n % 50 == 0]
        total += len(LedgerEntry.objects.bulk_create(reversals, batch_size=2000))
    # Bookings written in bulk, past the services: rebuild the report's roll-up, as seed_demo does.
    rollup.rebuild()
    return total


def median_ms(function) -> float:
    function()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def measure() -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.roles import Role
    from payments.selectors import cash_book
    from tests.factories import UserFactory

    year = timezone.localdate().year
    entries = fill(year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    treasurer = UserFactory(role=Role.TREASURER)
    client = Client()
    client.force_login(treasurer)

    def bare_count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM payments_ledgerentry")
            cursor.fetchone()

    def selector():
        cash_book(year=year)

    def page():
        response = client.get(f"/bendahara/buku-kas/?year={year}")
        assert response.status_code == 200, response.status_code

    # Worst case first: no day closed, the whole year summed from the ledger.
    open_book = cash_book(year=year)
    result = {"entries": entries, "days": len(open_book["lines"]), "total": open_book["total"],
              "count_ms": median_ms(bare_count), "open_selector_ms": median_ms(selector), "open_page_ms": median_ms(page)}
    # Normal operation: the treasurer closed every day but the last two (their totals kept at closing).
    close_days(year, keep_open=2, actor=treasurer)
    book = cash_book(year=year)
    assert (book["total"], book["sums"]) == (open_book["total"], open_book["sums"]), "closed days disagree with the ledger"
    result.update(selector_ms=median_ms(selector), page_ms=median_ms(page), count2_ms=median_ms(bare_count))
    return result


def close_days(year: int, *, keep_open: int, actor) -> None:
    """Close the year's days as day_close does, in bulk: totals per method and number of entries."""
    import datetime
    from collections import defaultdict

    from django.db.models import Count, Sum
    from django.utils import timezone

    from payments.models import DayClose, LedgerEntry

    totals, counts = defaultdict(dict), defaultdict(int)
    rows = LedgerEntry.objects.filter(business_day__year=year).values("business_day", "method").annotate(t=Sum("amount"), n=Count("*"))
    for row in rows:
        totals[row["business_day"]][row["method"]] = row["t"]
        counts[row["business_day"]] += row["n"]
    last = max(totals) - datetime.timedelta(days=keep_open)
    DayClose.objects.bulk_create([
        DayClose(day=day, closed_at=timezone.now(), closed_by=actor, totals=by_method, entries=counts[day])
        for day, by_method in totals.items() if day <= last
    ])


def fresh_postgres(url) -> bool:
    import environ
    import psycopg

    cfg = environ.Env.db_url_config(url)
    try:
        conn = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"] or None,
                               password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError:
        return False
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    return True


def run(base_env) -> str:
    sqlite = Path("/tmp/rk-bench-money.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    targets = [("SQLite", f"sqlite:///{sqlite}")]
    pg = os.environ.get("BENCH_MONEY_DATABASE_URL", PG_DEFAULT)
    if fresh_postgres(pg):
        targets.append(("PostgreSQL", pg))
    rows = []
    for name, url in targets:
        env = {**base_env, "DATABASE_URL": url, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
               "DJANGO_LOG_LEVEL": "ERROR", "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_ALLOWED_HOSTS": "testserver",
               "DJANGO_SETTINGS_MODULE": "rumah_kemasan.settings"}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run([sys.executable, "benchmarks/money.py", "--measure"], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        rows.append((name, result))
        print(f"  money {name}: {result}", flush=True)
    lines = [
        "## Money: the year's cash book at 100,000 bookings",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on a 2-core machine shared with other jobs "
        "(the ratios matter, not the milliseconds). Command: `python benchmarks/run.py --only money`. "
        f"{BOOKINGS:,} bookings; ledger entries spread over the year's days; median of {RUNS} runs after a warm-up.",
        "",
        "| database | ledger entries | lines (months) | bare `count(*)` | days closed | cash book (selector) | × count | cash book page | × count |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows:
        floor = min(r["count_ms"], r["count2_ms"])
        for label, selector, page in (("all but the last 2", r["selector_ms"], r["page_ms"]),
                                      ("none (worst case)", r["open_selector_ms"], r["open_page_ms"])):
            lines.append(
                f"| {name} | {r['entries']:,} | {r['days']} | {floor:.2f} ms | {label} | {selector:.2f} ms | "
                f"{selector / floor:.1f}× | {page:.1f} ms | {page / floor:.1f}× |"
            )
    lines += [
        "",
        "Target: the year's cash book within 10× the bare count. Closed days (the treasurer closes each day) are read "
        "from their closing rows, which keep the day's totals per method and its number of entries (a closed day "
        "cannot change); open days are summed from the ledger in one aggregate grouped by day and method that the "
        "(business_day, method, amount) index covers. The page adds the session, the user and its roles, the unread "
        "count and the rendering of the year's 12 month lines (each month opens on its days). On SQLite a bare `count(*)` of a cached table takes microseconds "
        "(it walks a small cached index), so ratios there are far larger than the work suggests.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if "--measure" in sys.argv:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure()))

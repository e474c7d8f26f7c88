"""`make bench`: page server times at 1,000 and 100,000 bookings on SQLite and PostgreSQL, and
10,000 notifications through a real Celery worker on Redis.

For each database: a fresh database, `seed_demo --bookings 1000`, the page timings, then
`seed_demo --bookings 100000` and the timings again. PostgreSQL is used when DATABASE_URL is set or
the local server answers (a database `rk_bench` is created on it). Writes docs/benchmarks.md.
"""
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/rk_bench"


def run(args, env, capture=False):
    result = subprocess.run([PY, *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture)
    return result.stdout if capture else None


def _server(url):
    """(connection to the server's `postgres` database, name of the database in ``url``); None if unreachable."""
    import environ
    import psycopg

    cfg = environ.Env.db_url_config(url)
    try:
        conn = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"] or None,
                               password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable ({error}); measuring SQLite only.")
        return None, cfg["NAME"]
    return conn, cfg["NAME"]


def fresh_postgres(url):
    conn, name = _server(url)
    if conn is None:
        return False
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def postgres_database_exists(url) -> bool:
    conn, name = _server(url)
    if conn is None:
        return False
    with conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def backends():
    sqlite = Path("/tmp/rk-bench.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    yield "SQLite", f"sqlite:///{sqlite}"
    pg = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
    if fresh_postgres(pg):
        yield "PostgreSQL", pg


def main():
    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    results = {}
    for name, url in backends():
        env = {**base_env, "DATABASE_URL": url, "DJANGO_DEBUG": "true"}
        run(["manage.py", "migrate", "--noinput", "-v0"], env)
        for size in SIZES:
            print(f"{name}: seeding {size} bookings…", flush=True)
            run(["manage.py", "seed_demo", "--bookings", str(size)], env)
            # Fresh statistics for the planner, as autovacuum (PostgreSQL) or a periodic ANALYZE would give.
            run(["manage.py", "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')"], env)
            measure_env = {
                **env, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
                "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_ROOT_URLCONF": "benchmarks.urls", "DJANGO_LOG_LEVEL": "ERROR",
                "RK_TRACKING_LINK_RATE": "1000000/m",
            }
            run(["manage.py", "collectstatic", "--noinput", "-v0"], measure_env)
            out = run(["benchmarks/pages.py"], measure_env, capture=True)
            results[(name, size)] = json.loads(out.strip().splitlines()[-1])
            print(f"  {results[(name, size)]}", flush=True)
    notifications = notification_benchmark(base_env)
    load = load_test(base_env, os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)) if ("PostgreSQL", max(SIZES)) in results else None
    write_report(results, notifications)
    if load:
        write_load_section(load)


def load_test(base_env, url):
    """The locust load test against gunicorn on the PostgreSQL data set just measured."""
    print("Load test (locust, 100 users, 60 s)…", flush=True)
    # The static manifest of this checkout (pages fail with a 500 without it when DEBUG is off).
    run(["manage.py", "collectstatic", "--noinput", "-v0"], {**base_env, "DATABASE_URL": url, "DJANGO_DEBUG": "false",
                                                             "DJANGO_SECRET_KEY": "bench-" + "x" * 50})
    out = run(["benchmarks/load.py"], {**base_env, "DATABASE_URL": url}, capture=True)
    result = json.loads(out.strip().splitlines()[-1])
    print(f"  {result}", flush=True)
    return result


LOAD_MARK = "## Load test (issue #6)"


def write_load_section(load):
    mix, bare = load["mix"], load["bare"]
    section = [
        LOAD_MARK,
        "",
        f"locust, headless, {load['users']} concurrent users without think time for {load['seconds']} s each run, on "
        "127.0.0.1 against gunicorn with 2 sync workers on PostgreSQL with the 100,000-booking data set (tasks go to a "
        "Redis queue, no worker attached). The mix: owners (3 in 4 users) open their home page, "
        "\"Permohonan saya\", request details and submit requests; staff work the board, the today view and request "
        "details. Users start with a session made before the run (sessions last 14 days; a sign-in hashes a password "
        "and is not what a busy minute of this office looks like). The bare view renders one template with one query. "
        "Locust runs on the same 2 cores.",
        "",
        "| run | requests | errors | requests/s | p50 (ms) | p95 (ms) | p99 (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| mix | {mix['requests']:,} | {mix['errors']} | {mix['rps']:.1f} | {mix['p50']:.0f} | {mix['p95']:.0f} | {mix['p99']:.0f} |",
        f"| bare view | {bare['requests']:,} | {bare['errors']} | {bare['rps']:.1f} | {bare['p50']:.0f} | {bare['p95']:.0f} | {bare['p99']:.0f} |",
        "",
        f"The mix serves {mix['rps'] / bare['rps']:.0%} of the bare view's requests per second (aim: at least 20%, with no errors).",
        "",
    ]
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    if LOAD_MARK in text:  # replace the load section alone; the sections after it stay
        start = text.index(LOAD_MARK)
        after = [i for i in (text.find("\n<!-- bench:", start), text.find("\n## ", start + 1)) if i != -1]
        end = min(after) + 1 if after else len(text)
        text = text[:start] + "\n".join(section) + "\n" + text[end:]
    else:
        text = text.rstrip() + "\n\n" + "\n".join(section)
    path.write_text(text)
    print("Wrote the load test to docs/benchmarks.md")


def notification_benchmark(base_env):
    """10,000 notifications through a real worker on Redis (PostgreSQL database rk_bench_notify)."""
    import redis

    url = os.environ.get("BENCH_NOTIFY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rk_bench_notify")
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        print(f"Redis not reachable ({error}); skipping the notification benchmark.")
        return None
    if not fresh_postgres(url):
        return None
    env = {**base_env, "DATABASE_URL": url, "CELERY_BROKER_URL": broker, "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "bench-" + "x" * 50, "DJANGO_LOG_LEVEL": "WARNING"}
    run(["manage.py", "migrate", "--noinput", "-v0"], env)
    print("Notifications through the worker…", flush=True)
    out = run(["benchmarks/notifications.py"], env, capture=True)
    result = json.loads(out.strip().splitlines()[-1])
    print(f"  {result}", flush=True)
    return result


def write_report(results, notifications=None):
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` on {datetime.date.today():%Y-%m-%d} ({platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}). Server time per page, measured in-process with Django's test "
        "client (middleware, view, queries, template; no network), 40 requests after 5 warm-up ones. "
        "Generated data: `seed_demo --bookings N` (histories walk each service's workflow; only the newest "
        "400 requests can still be open, as in an office with a few designers and printers). "
        "The board shows the first 6 cards of 11 columns and the today view up to 3 × 20 rows: both render more "
        "rows once the data fills them, which is most of their growth from 1,000 to 100,000.",
        "",
        "Aims (issue #3): each page at 100,000 bookings within 1.2× of itself at 1,000, and within 5× of the bare view "
        "(one query, one template).",
        "",
    ]
    for name in dict.fromkeys(n for n, _ in results):
        sizes = [s for n, s in results if n == name]
        small, large = results[(name, min(sizes))], results[(name, max(sizes))]
        bare = large["bare view"]["p50"]
        lines += [
            f"## {name}",
            "",
            f"| page | p50 / p95 at {small['bookings']:,} (ms) | p50 / p95 at {large['bookings']:,} (ms) | growth (p50) | × bare view (p50) |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        report_keys = ("bare count(*) over events", "report page (a year)")
        for page in [k for k in large if isinstance(large[k], dict) and k not in report_keys]:
            s, l = small[page], large[page]
            lines.append(
                f"| {page} | {s['p50']:.1f} / {s['p95']:.1f} | {l['p50']:.1f} / {l['p95']:.1f} | "
                f"{l['p50'] / s['p50']:.2f}× | {l['p50'] / bare:.1f}× |"
            )
        count = large["bare count(*) over events"]["p50"]
        lines += [
            "",
            f"Report (issue #5) at {large['bookings']:,} bookings and {large['events']:,} events: the report page for the past "
            f"year takes {large['report page (a year)']['p50']:.0f} ms (p50), {large['report page (a year)']['p50'] / count:.0f}× "
            f"a bare `SELECT count(*)` over the events ({count:.1f} ms); aim: within 10×. The year's XLSX exports: the report "
            f"in {large['xlsx_report_s']:.1f} s, the {large['bookings']:,} raw requests with stage times in "
            f"{large['xlsx_bookings_s']:.1f} s (aim: within 30 s).",
            "",
        ]
    if notifications:
        n = notifications
        lines += [
            "## Notifications through a real worker (issue #4)",
            "",
            f"{n['count']:,} email notifications (Django's dummy email backend, so no network) committed in batches of 100 "
            "and enqueued after each commit, through one `celery worker --concurrency=2` on Redis with PostgreSQL; "
            "Celery's own rate for a no-op task measured in the same run and worker.",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| no-op task rate | {n['noop_rate']:.0f} tasks/s |",
            f"| notification rate (commit to sent) | {n['rate']:.0f} notifications/s ({n['rate'] / n['noop_rate']:.0%} of the no-op rate) |",
            f"| time from commit to sent, p50 | {n['p50_ms'] / 1000:.2f} s |",
            f"| time from commit to sent, p95 | {n['p95_ms'] / 1000:.2f} s |",
            f"| messages sent twice | {n['duplicates']} |",
            "",
            "Aim: at least half the no-op rate. The latencies are those of a burst: all notifications are committed "
            "within seconds, so most of the time is spent waiting behind the others in the queue.",
            "",
        ]
    (ROOT / "docs").mkdir(exist_ok=True)
    path = ROOT / "docs" / "benchmarks.md"
    old = path.read_text() if path.exists() else ""
    kept = old[old.index("<!-- bench:"):] if "<!-- bench:" in old else ""  # the sections of later issues stay
    path.write_text("\n".join(lines) + "\n" + ("\n" + kept if kept else ""))
    print("Wrote docs/benchmarks.md")


def write_section(name, markdown):
    """Replace (or append) one named section of docs/benchmarks.md, keeping the rest as it is.

    Each issue's benchmark owns one block between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`,
    so `python benchmarks/run.py --only NAME` refreshes that block alone.
    """
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
    print(f"Wrote section {name} to docs/benchmarks.md")


# Further benchmarks: NAME -> module in benchmarks/ exposing `run(base_env) -> str` (Markdown).
# `python benchmarks/run.py --only NAME` runs one; `make bench` runs the pages, then every section.
SECTIONS = {"outreach": "outreach", "scale": "scale", "notify-io": "notify_io", "whatsapp_codes": "whatsapp_codes", "money": "money", "reader_pages": "reader_pages"}


def run_sections(names=None):
    import importlib

    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    for name in names or SECTIONS:
        module = importlib.import_module(f"benchmarks.{SECTIONS[name]}")
        print(f"Section {name}…", flush=True)
        write_section(name, module.run(base))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--only" in sys.argv:
        run_sections(sys.argv[sys.argv.index("--only") + 1].split(","))
    elif "--load-only" in sys.argv:  # against the PostgreSQL data set a previous full run left
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
        write_load_section(load_test(base, os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)))
    else:
        main()
        run_sections()

"""Load test for `make bench`: gunicorn with 2 workers on PostgreSQL, 100 concurrent users for 60 s,
the mix of owners and staff, then the bare view under the same load. Prints JSON.

Only 127.0.0.1 is ever a target. Tasks go to a Redis database with no worker attached, as the web tier
of a deployment would enqueue them (none runs in the request).
"""
import csv
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USERS = os.environ.get("BENCH_LOAD_USERS", "100")
DURATION = os.environ.get("BENCH_LOAD_SECONDS", "60")
ENV = dict(os.environ)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_locust(host, classes, prefix):
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks/locustfile.py"), *classes, "--headless",
         "-u", USERS, "-r", "25", "-t", f"{DURATION}s", "--host", host, "--csv", prefix, "--only-summary",
         "--stop-timeout", "5", "--loglevel", "WARNING"],
        cwd=ROOT, check=False, capture_output=True, text=True, env=ENV,
    )
    with open(f"{prefix}_stats.csv") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
    }


def main():
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "load-" + "x" * 50, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_SESSION_COOKIE_SECURE": "false", "DJANGO_CSRF_COOKIE_SECURE": "false",
        "DJANGO_ROOT_URLCONF": "benchmarks.urls", "DJANGO_LOG_LEVEL": "ERROR",
        "RK_TRACKING_LINK_RATE": "1000000/m", "CELERY_BROKER_URL": os.environ.get("BENCH_LOAD_BROKER", "redis://127.0.0.1:6379/13"),
        "AXES_FAILURE_LIMIT": "1000",
    }
    sessions = subprocess.run([sys.executable, str(ROOT / "benchmarks/sessions.py")], cwd=ROOT, env=env,
                              check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    Path("/tmp/rk-load-sessions.json").write_text(sessions)
    env["BENCH_LOAD_SESSIONS"] = "/tmp/rk-load-sessions.json"
    global ENV
    ENV = env
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "rumah_kemasan.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        mix = run_locust(host, ["Owner", "Staff"], "/tmp/rk-load-mix")
        bare = run_locust(host, ["Bare"], "/tmp/rk-load-bare")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps({"users": int(USERS), "seconds": int(DURATION), "mix": mix, "bare": bare}))


if __name__ == "__main__":
    main()

"""gunicorn settings for Rumah Kemasan (systemd: deploy/systemd/rumah-kemasan-web.service).

`systemctl reload rumah-kemasan-web` sends HUP: the master re-reads this file, starts workers with
the new code and lets the old ones finish their requests — no request is dropped (deploy/README.md,
"Upgrades"). The code is loaded in the workers (no preload_app), or a HUP would keep the old code.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = False
accesslog = "-"
errorlog = "-"
if os.environ.get("DJANGO_LOG_FORMAT") == "json":
    # Error and access lines as JSON, in the site's time zone (core/logging.py).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
    logger_class = "core.logging.GunicornJsonLogger"

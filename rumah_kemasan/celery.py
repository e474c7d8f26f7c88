"""The Celery application.

With ``CELERY_BROKER_URL`` unset, settings make tasks run in-process (eager), so the
app needs nothing but Python. With a broker (Redis), start a worker with
``celery -A rumah_kemasan worker``.
"""
import os

from celery import Celery
from celery.signals import setup_logging

from core.heartbeats import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")

app = Celery("rumah_kemasan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)  # /healthz sees each worker's age (core/heartbeats.py)


@setup_logging.connect
def use_django_logging(**kwargs):
    """Worker and beat log through settings.LOGGING, like the web (JSON lines with DJANGO_LOG_FORMAT=json)."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


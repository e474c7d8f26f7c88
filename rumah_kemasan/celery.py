"""The Celery application.

With ``CELERY_BROKER_URL`` unset, settings make tasks run in-process (eager), so the
app needs nothing but Python. With a broker (Redis), start a worker with
``celery -A rumah_kemasan worker`` (all queues), or one worker per queue as in the Procfile.
"""
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, task_prerun
from django.conf import settings
from django.db import close_old_connections, connections

from core.heartbeats import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")

# core/broker_transport.py: broker connections retry every few seconds instead of kombu's up to 30 s.
app = Celery("rumah_kemasan", amqp="core.broker_transport:AMQP")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)  # /healthz sees each worker's age (core/heartbeats.py)


@setup_logging.connect
def use_django_logging(**kwargs):
    """Worker and beat log through settings.LOGGING, like the web (JSON lines with DJANGO_LOG_FORMAT=json)."""
    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
def check_database_connection(task=None, **kwargs):
    """Workers keep their database connection between tasks (CELERY_DB_REUSE_MAX); after a database
    restart or a dropped connection it is dead. Mark it for a health check (CONN_HEALTH_CHECKS), so
    the task's first query reconnects instead of failing.

    A task that retries a database error itself (``retries_database_errors = True``: notification
    delivery, whose first statement is an atomic claim) skips the check's ``SELECT 1``, one of three
    round trips per message: a dead connection fails its claim, which is retried on a new one.
    Connections past CONN_MAX_AGE, or that saw an error, are still closed here.
    """
    if task is None or getattr(task.request, "is_eager", False):
        return
    close_old_connections()
    if getattr(task, "retries_database_errors", False):
        for connection in connections.all(initialized_only=True):
            connection.health_check_done = True

"""The Celery application.

With ``CELERY_BROKER_URL`` unset, settings make tasks run in-process (eager), so the
app needs nothing but Python. With a broker (Redis), start a worker with
``celery -A rumah_kemasan worker``.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")

app = Celery("rumah_kemasan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

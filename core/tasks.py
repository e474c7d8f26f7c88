"""Handing work to Celery from a request without ever failing it on the broker."""
from django.db import transaction

from core.broker import publish


def enqueue_after_commit(task, *args, **options) -> None:
    """Enqueue ``task`` once the current transaction commits.

    Never waits on the broker for more than ``RK_BROKER_PUBLISH_WAIT`` (see core/broker.py); if it is
    down or hung this only logs, and the periodic tasks (or the page that needs the result) catch up.
    """

    def enqueue():
        publish(task, *args, **options)

    enqueue.enqueue_key = (task.name, args)  # what it enqueues, for tests and logs
    transaction.on_commit(enqueue, robust=True)

"""Handing work to Celery from a request without ever failing it on the broker."""
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args) -> None:
    """Enqueue ``task`` once the current transaction commits.

    If the broker is down or hung, publishing gives up after the configured timeouts and this only
    logs: the periodic tasks (or the page that needs the result) catch up later.
    """

    def enqueue():
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - broker down or hung
            logger.warning("Broker unavailable; %s%r not enqueued", task.name, args, exc_info=True)

    enqueue.enqueue_key = (task.name, args)  # what it enqueues, for tests and logs
    transaction.on_commit(enqueue, robust=True)


"""Celery tasks of the outbox, thin: they call notifications.services.

``services`` enqueues these tasks and these call ``services``: the two import each other as modules
(``from notifications import services``), which Python resolves whichever is imported first, because
neither reads the other's attributes at import time.
"""
from celery import shared_task
from django.conf import settings

from notifications import services


def backoff(retries: int) -> int:
    """Exponential backoff with a cap: base, 2×base, 4×base… seconds, at most RK_NOTIFY_RETRY_MAX."""
    return min(settings.RK_NOTIFY_RETRY_BASE * (2**retries), settings.RK_NOTIFY_RETRY_MAX)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, ignore_result=True)
def deliver_notification(self, notification_id: int) -> str:
    outcome = services.deliver(notification_id, final_attempt=self.request.retries >= self.max_retries)
    if outcome == "retry":
        if self.request.is_eager:
            # In-process (no broker): Celery's eager retry does not loop when errors propagate; try again now.
            return self.apply(args=(notification_id,), retries=self.request.retries + 1).result
        raise self.retry(countdown=backoff(self.request.retries))
    return outcome


@shared_task(ignore_result=True)
def dispatch_pending() -> int:
    return services.dispatch_pending()


@shared_task(ignore_result=True)
def cleanup_read_notifications() -> int:
    return services.cleanup_read()

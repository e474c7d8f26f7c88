from celery import shared_task
from django.conf import settings


def backoff(retries: int) -> int:
    """Exponential backoff with a cap: base, 2×base, 4×base… seconds, at most RK_NOTIFY_RETRY_MAX."""
    return min(settings.RK_NOTIFY_RETRY_BASE * (2**retries), settings.RK_NOTIFY_RETRY_MAX)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, ignore_result=True)
def deliver_notification(self, notification_id: int) -> str:
    from notifications.services import deliver

    outcome = deliver(notification_id, final_attempt=self.request.retries >= self.max_retries)
    if outcome == "retry":
        if self.request.is_eager:
            # In-process (no broker): Celery's eager retry does not loop when errors propagate; try again now.
            return self.apply(args=(notification_id,), retries=self.request.retries + 1).result
        raise self.retry(countdown=backoff(self.request.retries))
    return outcome


@shared_task(ignore_result=True)
def dispatch_pending() -> int:
    from notifications.services import dispatch_pending as run

    return run()


@shared_task(ignore_result=True)
def cleanup_read_notifications() -> int:
    from notifications.services import cleanup_read

    return cleanup_read()

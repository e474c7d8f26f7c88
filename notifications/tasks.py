"""Thin tasks: ids in, a service call, nothing else. Routing: notifications/services.py queue_for.

``services`` publishes these tasks and these call ``services``: the two import each other as modules
(``from notifications import services``), which Python resolves whichever is imported first, because
neither reads the other's attributes at import time.
"""
from celery import shared_task
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils import timezone

from notifications import services
from notifications.models import Notification


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, ignore_result=True,
             retries_database_errors=True)  # rumah_kemasan/celery.py: no health-check query before each run
def deliver_notification(self, notification_id: int, attempts: int | None = None) -> str:
    """One delivery attempt of one outbox row. ``attempts`` is the row's count when it was published:
    a copy that arrives after the row moved on (a duplicate, a late publish) does nothing."""
    try:
        outcome = services.deliver(notification_id, expected_attempts=attempts)
    except (OperationalError, InterfaceError) as error:
        # The database went away (restart, dropped connection): nothing was sent before the claim
        # committed, and after it the lease protects the row. Reconnect and try again soon.
        close_old_connections()
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=min(2 ** self.request.retries, 30))
    if outcome == "retry" and self.request.is_eager:
        # Without a broker (make run, tests) there is no relay: run the next attempt now if it is due.
        row = Notification.objects.filter(pk=notification_id, next_attempt_at__lte=timezone.now()).only("attempts").first()
        if row is not None:
            return deliver_notification.apply(args=(notification_id, row.attempts)).result
    return outcome


@shared_task(ignore_result=True)
def dispatch_pending() -> int:
    """The relay (beat, every RK_NOTIFY_RELAY_SECONDS): publish what is due."""
    return services.dispatch_pending()


@shared_task(ignore_result=True)
def cleanup_read_notifications() -> int:
    return services.cleanup_read()

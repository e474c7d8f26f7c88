"""What /healthz reports: the database, the broker, the worker and beat heartbeats, the outbox.

``health_report()`` returns the JSON body and whether everything is well. It is red (503) when
- the database or the broker does not answer;
- no beat, or on some queue no worker, has written a heartbeat for ``RK_HEARTBEAT_STALE_SECONDS``
  (core/heartbeats.py; production runs one worker per queue group);
- outbox rows have been pending (or sending) for more than ``RK_HEALTH_PENDING_MINUTES``: delivery
  is stuck.
Failed notifications of the last day (a gateway said no for good, or the outcome is unknown) are
counted but do not make it red: they need a person in the Django admin, not a restart. With Celery eager (``make run``), there is no broker,
worker or beat to watch. Three queries: ``SELECT 1``, the heartbeats, one aggregate over the outbox.
"""
import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from core.heartbeats import heartbeats_by_kind
from notifications.models import Notification
from rumah_kemasan.celery import app as celery_app


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _liveness(beats: list[tuple[str, float, list[str]]], *, queues: list[str] | None = None) -> dict:
    """Alive when a heartbeat is fresh — for workers, a fresh one on every queue of the settings."""
    stale_after = settings.RK_HEARTBEAT_STALE_SECONDS
    fresh = [beat for beat in beats if beat[1] <= stale_after]
    state = {
        "status": "ok" if fresh else "error",
        "age_seconds": round(beats[0][1]) if beats else None,
        "alive": len(fresh),
        "stale_after_seconds": stale_after,
    }
    if queues is not None:
        served = {queue for _name, _age, consumed in fresh for queue in consumed}
        state["queues_without_worker"] = [queue for queue in queues if queue not in served]
        if state["queues_without_worker"]:
            state["status"] = "error"
    return state


def _outbox(now: datetime.datetime) -> dict:
    status = Notification.Status
    # Waiting to be sent (or claimed by a worker) for too long: delivery is stuck.
    waiting = [status.PENDING, status.SENDING]
    # Needs a person: refused for good, or an outcome nobody knows (see the notifications admin).
    attention = [status.FAILED, status.UNCONFIRMED]
    minutes = settings.RK_HEALTH_PENDING_MINUTES
    counts = Notification.objects.filter(
        Q(status__in=waiting, created_at__lt=now - datetime.timedelta(minutes=minutes))
        | Q(status__in=attention, created_at__gte=now - datetime.timedelta(days=1))
    ).aggregate(
        overdue=Count("id", filter=Q(status__in=waiting)),
        failed=Count("id", filter=Q(status__in=attention)),
    )
    return {
        "status": "ok" if not counts["overdue"] else "error",
        "pending_overdue": counts["overdue"],
        "overdue_after_minutes": minutes,
        "failed_last_24h": counts["failed"],
    }


def health_report() -> tuple[dict, bool]:
    now = timezone.now()
    report: dict = {}
    try:
        report["database"] = _database()
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        report["database"] = f"error: {error.__class__.__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        report["broker"] = report["worker"] = report["beat"] = "eager"
    else:
        try:
            report["broker"] = _broker()
        except Exception as error:  # noqa: BLE001
            report["broker"] = f"error: {error.__class__.__name__}"
    if report["database"] != "ok":
        report.setdefault("worker", "unknown (no database)")
        report.setdefault("beat", "unknown (no database)")
    else:
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            ages = heartbeats_by_kind(now=now)
            queues = [queue.name for queue in settings.CELERY_TASK_QUEUES or []] or [settings.CELERY_TASK_DEFAULT_QUEUE]
            report["worker"] = _liveness(ages["worker"], queues=queues)
            report["beat"] = _liveness(ages["beat"])
        report["outbox"] = _outbox(now)
    ok = all(
        value in ("ok", "eager") or (isinstance(value, dict) and value["status"] == "ok") for value in report.values()
    )
    report["status"] = "ok" if ok else "error"
    return report, ok

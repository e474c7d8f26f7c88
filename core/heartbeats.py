"""Heartbeats of the background processes, read by /healthz (rumah_kemasan/health.py).

- Each **worker** writes ``worker:<hostname>`` and the queues it consumes from its main process
  every ``RK_HEARTBEAT_SECONDS`` (``WorkerHeartbeat``, a Celery bootstep added in
  rumah_kemasan/celery.py). A stopped or killed worker leaves its row behind, growing older.
- **Beat** writes ``beat`` from its scheduling loop (``HeartbeatScheduler``, set as
  ``CELERY_BEAT_SCHEDULER``), which then wakes at least that often.

A heartbeat that cannot be written (database away) is logged and skipped: it must never stop the
process it reports on — its growing age is the signal.
"""
import datetime
import logging
import time

from celery import bootsteps
from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

# Importable before Django is set up (rumah_kemasan/celery.py adds the bootstep at import): the
# model is imported inside the functions.
WORKER, BEAT = "worker", "beat"
logger = logging.getLogger(__name__)


def heartbeat_record(*, name: str, kind: str, queues: list[str] | None = None) -> None:
    """Write the heartbeat ``name`` now (one UPDATE, or an INSERT the first time)."""
    from core.models import Heartbeat

    now = timezone.now()
    values = {"kind": kind, "seen_at": now, "queues": ",".join(sorted(queues or []))}
    if not Heartbeat.objects.filter(name=name).update(**values):
        Heartbeat.objects.update_or_create(name=name, defaults=values)


def heartbeat_remove(*, name: str) -> None:
    from core.models import Heartbeat

    Heartbeat.objects.filter(name=name).delete()


def heartbeats_by_kind(*, now: datetime.datetime | None = None) -> dict[str, list[tuple[str, float, list[str]]]]:
    """``{kind: [(name, age in seconds, queues), …]}``, youngest first (one query)."""
    from core.models import Heartbeat

    now = now or timezone.now()
    result: dict[str, list[tuple[str, float, list[str]]]] = {kind: [] for kind in Heartbeat.Kind.values}
    rows = Heartbeat.objects.order_by("-seen_at").values_list("name", "kind", "seen_at", "queues")
    for name, kind, seen_at, queues in rows:
        age = max(0.0, (now - seen_at).total_seconds())
        result.setdefault(kind, []).append((name, age, [q for q in queues.split(",") if q]))
    return result


def _safely(action, **kwargs) -> None:
    try:
        close_old_connections()
        action(**kwargs)
    except Exception:  # noqa: BLE001 - see the module docstring
        logger.exception("heartbeat not written")
        connection.close()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Celery worker bootstep: a repeating timer in the worker's main process."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None
        self.name = ""
        self.queues: list[str] = []

    def start(self, worker):
        self.name = f"worker:{worker.hostname}"
        app = getattr(worker, "app", None)
        self.queues = sorted(app.amqp.queues.consume_from) if app is not None else []
        self.beat()
        self.tref = worker.timer.call_repeatedly(settings.RK_HEARTBEAT_SECONDS, self.beat, priority=10)

    def beat(self):
        _safely(heartbeat_record, name=self.name, kind=WORKER, queues=self.queues)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
            _safely(heartbeat_remove, name=self.name)


class HeartbeatScheduler(PersistentScheduler):
    """Celery's default scheduler, writing the ``beat`` heartbeat as it ticks."""

    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        if time.monotonic() - self._last_heartbeat >= settings.RK_HEARTBEAT_SECONDS:
            self._last_heartbeat = time.monotonic()
            _safely(heartbeat_record, name="beat", kind=BEAT)
        return min(interval, settings.RK_HEARTBEAT_SECONDS)

"""Publishing a task from a request without ever waiting on the broker.

A person's action must not block on Redis, whether Redis is down (connection refused at once) or
hung (it accepts the connection and never answers, so a socket timeout of seconds would be paid).
Two guards, both per web process:

1. **A deadline.** The publish runs on this process's publisher thread; the caller waits at most
   ``RK_BROKER_PUBLISH_WAIT`` seconds (0.1) for it and then goes on. A publish that missed its
   deadline may still go out later (a hung Redis that wakes up); that is harmless because every
   task we publish is idempotent (notifications are claimed, thumbnails and exports check their row).
2. **A circuit breaker.** An error or a missed deadline opens the breaker for
   ``RK_BROKER_BREAKER_SECONDS`` (5): every publish in that time returns ``False`` at once, without
   touching the network or queueing behind a stuck publish. After that one trial publish goes out
   (half-open); success closes the breaker, failure opens it again.

The breaker lives in process memory, not in Django's shared cache: in production that cache is
usually the same Redis, and a cache read on a hung Redis would wait exactly as a publish does.
Each web process learns of an outage by paying the deadline once.

Why not publish only from an outbox relay: notifications already have their outbox row (the
source of truth) and a relay (``notifications.tasks.dispatch_pending``, every few seconds) that
sends whatever a request could not publish, so nothing is lost either way; publishing directly
keeps the usual delay from action to message in milliseconds instead of the relay's period.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings

logger = logging.getLogger(__name__)


class Breaker:
    """Remembers a broker failure for a short time (process-local, thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._trial = False

    def allow(self) -> bool:
        """True when a publish may be tried: closed, or open but due for one trial."""
        with self._lock:
            if self._open_until == 0.0:
                return True
            if time.monotonic() >= self._open_until and not self._trial:
                self._trial = True  # half-open: exactly one caller tries
                return True
            return False

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + settings.RK_BROKER_BREAKER_SECONDS
            self._trial = False

    def succeeded(self) -> None:
        with self._lock:
            self._open_until = 0.0
            self._trial = False

    @property
    def is_open(self) -> bool:
        return self._open_until != 0.0


breaker = Breaker()
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _publisher() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rk-publisher")
        return _executor


def publish(task, *args, **options) -> bool:
    """Send ``task(*args)`` to the broker; True if it was handed over within the deadline.

    ``options`` go to ``apply_async`` (``queue``, ``priority``…). With eager Celery (no broker:
    ``make run`` and the tests) the task runs here and now, as before.
    """
    if task.app.conf.task_always_eager:
        task.apply_async(args, **options)
        return True
    if not breaker.allow():
        return False
    future = _publisher().submit(task.apply_async, args, retry=False, **options)
    future.add_done_callback(_late_outcome)
    try:
        future.result(timeout=settings.RK_BROKER_PUBLISH_WAIT)
    except FutureTimeout:
        future.cancel()  # if it has not started yet; a publish already on the wire may still land
        breaker.failed()
        logger.warning("Broker did not answer within %.0f ms; %s%r left to the relay",
                       settings.RK_BROKER_PUBLISH_WAIT * 1000, task.name, args)
        return False
    except Exception:  # noqa: BLE001 - broker down, refused, misconfigured: never fail the action
        breaker.failed()
        logger.warning("Broker unavailable; %s%r left to the relay", task.name, args, exc_info=True)
        return False
    breaker.succeeded()
    return True


def _late_outcome(future) -> None:
    """A publish that finished after its deadline tells whether the broker is alive after all (a
    cold first connection, a hung Redis that woke up): then the breaker closes at once."""
    if not future.cancelled() and future.exception() is None:
        breaker.succeeded()


def reset() -> None:
    """Close the breaker and leave a publisher stuck on a hung broker behind (tests; fork hooks)."""
    global _executor
    with _executor_lock:
        if _executor is not None:
            _executor.shutdown(wait=False, cancel_futures=True)
        _executor = None
    breaker.succeeded()

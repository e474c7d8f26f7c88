"""Publishing from a request never waits on a down or hung broker (core/broker.py)."""
import socket
import time
from contextlib import contextmanager

import pytest
from django.utils import timezone
from kombu import pools as kombu_pools

from core import broker
from notifications import services
from notifications.models import Channel, Notification
from notifications.tasks import deliver_notification
from rumah_kemasan.celery import app as celery_app


@contextmanager
def publishing_to(url):
    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    before = {key: celery_app.conf[key] for key in keys}

    def fresh_pools():
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(broker_url=url, task_always_eager=False)
    fresh_pools()
    broker.reset()
    try:
        yield
    finally:
        celery_app.conf.update(before)
        fresh_pools()
        broker.reset()


@pytest.fixture
def hung_broker():
    """A socket that completes TCP handshakes (the kernel's backlog) and never says a word: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


@pytest.fixture
def down_broker():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there any more


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_hung_broker_costs_one_deadline_then_nothing(hung_broker, settings):
    settings.RK_BROKER_PUBLISH_WAIT = 0.1
    with publishing_to(hung_broker):
        first, first_wait = timed(lambda: broker.publish(deliver_notification, 1, 0, queue="notify.email"))
        later = [timed(lambda: broker.publish(deliver_notification, 2, 0, queue="notify.email")) for _ in range(20)]
    assert first is False and first_wait < 1.0  # ~0.1 s; a socket timeout would be 3 s (shared, loaded CI machine)
    assert all(ok is False for ok, _ in later)
    assert max(wait for _, wait in later) < 0.05  # the open breaker answers without the network


def test_a_down_broker_fails_fast_and_the_breaker_opens(down_broker):
    with publishing_to(down_broker):
        ok, wait = timed(lambda: broker.publish(deliver_notification, 1, 0, queue="notify.email"))
        assert broker.breaker.is_open
    assert ok is False and wait < 1.0


def test_the_breaker_lets_one_trial_through_after_its_period(settings):
    settings.RK_BROKER_BREAKER_SECONDS = 0.05
    breaker = broker.Breaker()
    breaker.failed()
    assert not breaker.allow()
    time.sleep(0.06)
    assert breaker.allow() and not breaker.allow()  # one trial, the others still skip
    breaker.succeeded()
    assert breaker.allow()


def test_notifications_not_published_are_due_for_the_relay_at_once(owner, hung_broker, django_capture_on_commit_callbacks):
    owner.email = "ina@example.org"
    owner.save()
    with publishing_to(hung_broker):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            notes = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"},
                                    channels_=[Channel.EMAIL, Channel.EMAIL, Channel.EMAIL])
        elapsed = time.monotonic() - started
    # ~0.1 s on a quiet machine; 2.5 s leaves room for a loaded CI machine and is still below the 3 s
    # socket timeout every publish paid before the breaker.
    assert elapsed < 2.5, f"the action waited {elapsed:.2f}s on a hung broker"
    due = Notification.objects.filter(pk__in=[n.pk for n in notes], next_attempt_at__lte=timezone.now())
    assert due.count() == 3  # the relay publishes them as soon as the broker answers again


def test_enqueue_after_commit_never_raises_on_a_dead_broker(down_broker, django_capture_on_commit_callbacks, db):
    from core.tasks import enqueue_after_commit

    with publishing_to(down_broker), django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit(deliver_notification, 1, 0)

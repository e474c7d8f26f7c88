"""Notifications through a real Celery worker on a real Redis, with PostgreSQL (see conftest.py)."""
import os
import signal
import time

import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.services import booking_verify
from notifications import services
from notifications.models import Channel, Notification
from tests.integration.conftest import REDIS_DB, pouch, publishing_to, statuses, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_submit_and_verify_notifications_arrive_through_the_worker(client, people, gateway, start_worker):
    owner, staff, product = people
    start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        client.force_login(owner)
        response = client.post(reverse("bookings:create"), {"product": product.pk, "service": pouch().pk, "quantity": 100})
        assert response.status_code == 302
        booking = Booking.objects.get()
        wait_for(lambda: statuses(recipient=staff) == [("email", "sent")], message="the staff's email")
        booking_verify(booking=booking, actor=staff, override_reason="uji")
        wait_for(lambda: gateway.received, message="the owner's WhatsApp message")
    assert booking.code in gateway.received[0]["message"]
    wait_for(lambda: ("whatsapp", "sent") in statuses(recipient=owner, kind="booking_status"), message="status sent")


def test_broker_down_at_submit_then_sent_once_when_back(client, people, gateway, start_worker, own_redis):
    owner, staff, product = people
    own_redis.start()
    own_redis.stop()  # the broker is down when the owner submits
    with publishing_to(own_redis.url):
        client.force_login(owner)
        started = time.monotonic()
        response = client.post(reverse("bookings:create"), {"product": product.pk, "service": pouch().pk, "quantity": 100})
        assert response.status_code == 302 and time.monotonic() - started < 10
        booking = Booking.objects.get()
        booking_verify(booking=booking, actor=staff, override_reason="uji")
        assert ("whatsapp", "pending") in statuses(recipient=owner)
        own_redis.start()  # the broker is back
        start_worker(own_redis.url)
        assert services.dispatch_pending() >= 1
        wait_for(lambda: ("whatsapp", "sent") in statuses(recipient=owner, kind="booking_status"), message="delivery")
        services.dispatch_pending()  # a second sweep finds nothing left to send
        time.sleep(2)
    assert len(gateway.received) == Notification.objects.filter(channel=Channel.WHATSAPP).count()
    assert gateway.attempts == len(gateway.received)  # nothing was sent twice


def test_a_hung_broker_holds_no_request_for_more_than_a_few_seconds(client, people, own_redis):
    owner, _staff, product = people
    own_redis.start()
    own_redis.process.send_signal(signal.SIGSTOP)
    try:
        with publishing_to(own_redis.url):
            client.force_login(owner)
            started = time.monotonic()
            response = client.post(reverse("bookings:create"), {"product": product.pk, "service": pouch().pk, "quantity": 100})
            elapsed = time.monotonic() - started
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    assert response.status_code == 302
    assert elapsed < 10, f"the request waited {elapsed:.1f}s on a hung broker"
    assert Booking.objects.count() == 1


def test_the_same_task_delivered_twice_sends_one_message(people, gateway, start_worker):
    from notifications.tasks import deliver_notification

    owner, _staff, product = people
    start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        note = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"}, channels_=[Channel.WHATSAPP])[0]
        deliver_notification.delay(note.pk)  # the same delivery twice more (notify() sent it once already)
        deliver_notification.delay(note.pk)
        wait_for(lambda: Notification.objects.get(pk=note.pk).status == "sent", message="delivery")
        time.sleep(2)  # let the second task run too
    assert gateway.attempts == 1 and len(gateway.received) == 1


def test_a_worker_child_killed_mid_task_still_sends_once(people, gateway, start_worker):
    owner, _staff, product = people
    gateway.delay = 5  # the gateway accepts the message, then hangs while we kill the worker's child
    worker = start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        note = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"}, channels_=[Channel.WHATSAPP])[0]
        wait_for(lambda: gateway.attempts == 1, message="the first attempt")
        for child in worker.children():
            os.kill(child, signal.SIGKILL)
        # The redelivered task finds the row leased; once the lease (3 s here) is over the relay hands
        # it out again, and the worker asks the provider before sending: it has the message.
        def relayed_and_sent():
            services.dispatch_pending()
            return Notification.objects.get(pk=note.pk).status == "sent"

        wait_for(relayed_and_sent, timeout=60, message="the row confirmed")
    assert gateway.lookups >= 1 and gateway.attempts == 1
    assert gateway.copies(note.reference) == 1  # the person saw it once


def test_a_gateway_that_fails_twice_then_succeeds_sends_one_message(people, gateway, start_worker):

    owner, _staff, product = people
    gateway.failures = 2
    start_worker()
    with publishing_to(f"redis://127.0.0.1:6379/{REDIS_DB}"):
        note = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"}, channels_=[Channel.WHATSAPP])[0]
        wait_for(lambda: Notification.objects.get(pk=note.pk).status == "sent", timeout=60, message="delivery after retries")
    note.refresh_from_db()
    assert (gateway.attempts, len(gateway.received), note.attempts) == (3, 1, 3)

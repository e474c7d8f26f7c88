"""Celery tasks of bookings: thin wrappers that take ids and call the modules that do the work.

``bookings.queue`` enqueues ``recompute_queue`` and this module calls ``queue.recompute``: the two
import each other as modules (``from bookings import queue``), which Python resolves whichever is
imported first, because neither reads the other's attributes at import time.
"""
from celery import shared_task

from bookings import queue, reminders, tracking
from bookings.models import Booking, Service
from core.qr import stored_qr


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=60, max_retries=5)
def recompute_queue(service_id: int) -> int:
    """Renumber one service's queue and refresh its estimates (idempotent: safe to run twice)."""
    return queue.recompute(service_id)


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """Proofs awaiting approval for more than 2 working days; goods ready but not collected after 3."""
    return reminders.send_reminders()


@shared_task(ignore_result=True)
def send_staff_digest() -> int:
    return reminders.send_staff_digest()


@shared_task(ignore_result=True)
def recompute_all_queues() -> int:
    """Safety net run by beat: recompute every service's queue (catches up after a broker outage)."""
    return sum(queue.recompute(pk) for pk in Service.objects.values_list("pk", flat=True))


@shared_task(acks_late=True, ignore_result=True)
def make_tracking_qr(booking_id: int) -> None:
    """Draw the QR code of a booking's signed tracking link once, for its printed work order."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is not None:
        stored_qr(tracking.qr_path(booking), tracking.absolute_tracking_url(booking), make=True)

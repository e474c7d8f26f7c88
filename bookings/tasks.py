from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=60, max_retries=5)
def recompute_queue(service_id: int) -> int:
    """Renumber one service's queue and refresh its estimates (idempotent: safe to run twice)."""
    from bookings.queue import recompute

    return recompute(service_id)


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """Proofs awaiting approval for more than 2 working days; goods ready but not collected after 3."""
    from bookings.reminders import send_reminders as run

    return run()


@shared_task(ignore_result=True)
def send_staff_digest() -> int:
    from bookings.reminders import send_staff_digest as run

    return run()


@shared_task(ignore_result=True)
def recompute_all_queues() -> int:
    """Safety net run by beat: recompute every service's queue (catches up after a broker outage)."""
    from bookings.models import Service
    from bookings.queue import recompute

    return sum(recompute(pk) for pk in Service.objects.values_list("pk", flat=True))


@shared_task(acks_late=True, ignore_result=True)
def make_tracking_qr(booking_id: int) -> None:
    """Draw the QR code of a booking's signed tracking link once, for its printed work order."""
    from bookings.models import Booking
    from bookings.tracking import absolute_tracking_url, qr_path
    from core.qr import stored_qr

    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is not None:
        stored_qr(qr_path(booking), absolute_tracking_url(booking), make=True)

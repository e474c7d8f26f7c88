from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=60, max_retries=5)
def recompute_queue(service_id: int) -> int:
    """Renumber one service's queue and refresh its estimates (idempotent: safe to run twice)."""
    from bookings.queue import recompute

    return recompute(service_id)

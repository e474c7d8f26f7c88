"""A no-op task for the worker benchmark (loaded with `celery worker --include benchmarks.tasks`)."""
import redis
from celery import shared_task
from django.conf import settings


@shared_task(ignore_result=True)
def noop(counter_key: str) -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter_key)


@shared_task(ignore_result=True)
def stamp(key: str, field: str) -> None:
    """The floor of the code benchmark: records when the worker ran it."""
    import time

    redis.Redis.from_url(settings.CELERY_BROKER_URL).hset(key, field, repr(time.time()))

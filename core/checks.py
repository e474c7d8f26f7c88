"""Deployment checks (``manage.py check --deploy``)."""
import multiprocessing
import os

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


def web_workers() -> int:
    """The number of web processes deploy/gunicorn.conf.py starts (the same default)."""
    for name in ("GUNICORN_WORKERS", "WEB_CONCURRENCY"):
        if os.environ.get(name, "").isdigit():
            return int(os.environ[name])
    return multiprocessing.cpu_count() * 2 + 1


@register(Tags.security, deploy=True)
def rate_limit_cache_is_shared(app_configs, **kwargs):
    """Rate limits and sign-in throttles count in the cache: a per-process cache with several web
    workers multiplies every limit by the number of workers."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    workers = web_workers()
    if backend in PER_PROCESS_CACHES and workers > 1:
        return [Warning(
            f"Rate limits use the per-process cache {backend.rsplit('.', 1)[-1]} with {workers} web workers: each "
            "worker counts on its own, so every limit is multiplied by the number of workers.",
            hint="Set CACHE_URL to a shared cache (e.g. redis://127.0.0.1:6379/1), or run one web worker.",
            id="rumah_kemasan.W001",
        )]
    return []

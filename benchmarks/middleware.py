"""Per-request fixed cost of the middleware: a view with no query and no template through Django's full handler with our
MIDDLEWARE, with plain Django's default stack, with none, and plain Django's plus each of ours alone.
Prints JSON (microseconds per request). Run by benchmarks/scale.py."""
import json
import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.core.handlers.base import BaseHandler  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_MIDDLEWARE_ROUNDS", "3000"))
PLAIN = [  # `startproject`'s list
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def handler_for(middleware):
    with override_settings(MIDDLEWARE=middleware):
        handler = BaseHandler()
        handler.load_middleware()
    return handler


def timed(handler, factory) -> float:
    start = time.perf_counter()
    for _ in range(ROUNDS):
        handler.get_response(factory.get("/bench/empty/"))
    return (time.perf_counter() - start) / ROUNDS * 1e6


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    ours = list(settings.MIDDLEWARE)
    configs = {"none": [], "plain": PLAIN, "ours": ours}
    configs.update({name: PLAIN + [name] for name in ours if name not in PLAIN})
    handlers = {key: handler_for(stack) for key, stack in configs.items()}
    factory = RequestFactory()
    best = {key: float("inf") for key in configs}
    for _ in range(5):  # interleaved, best of five: the machine is shared
        for key, handler in handlers.items():
            best[key] = min(best[key], timed(handler, factory))
    result = {"rounds": ROUNDS, "none_us": best["none"], "plain_us": best["plain"], "ours_us": best["ours"]}
    result["each_us"] = {key: best[key] - best["plain"] for key in configs if key not in ("none", "plain", "ours")}
    print(json.dumps(result))


if __name__ == "__main__":
    main()

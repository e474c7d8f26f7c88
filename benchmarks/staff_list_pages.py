"""Server time of the staff list (`/petugas/daftar/`) under every combination of its filters.

Run by benchmarks/staff_list.py against a database that seed_demo has filled; prints JSON
{combination: {"p50": ms, "p95": ms, "rows": n}} plus the bare view.
"""
import itertools
import json
import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Booking, Service  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_LIST_ROUNDS", "15"))


def values():
    """One value per filter, chosen to match many rows (the hard case), and the same at every size."""
    busiest = Booking.objects.filter(assignee__isnull=False).values_list("assignee", flat=True).first()
    return {
        "service": str(Service.objects.get(slug="kemasan-standing-pouch").pk),
        "district": str(Booking.objects.values_list("business__district", flat=True).order_by("id").first()),
        "assignee": str(busiest),
        "status": "selesai",
        "submitted_from": (timezone.localdate() - timezone.timedelta(days=90)).isoformat(),
        "q": "Usaha",
    }


def measure(client, url):
    client.get(url)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {"p50": times[len(times) // 2], "p95": times[max(int(len(times) * 0.95) - 1, 0)]}


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(User.objects.get(username="petugas"))
    chosen = values()
    names = list(chosen)
    results = {"bookings": Booking.objects.count(), "bare view": measure(Client(), "/bench/bare/")}
    for size in range(len(names) + 1):
        for combination in itertools.combinations(names, size):
            query = "&".join(f"{name}={chosen[name]}" for name in combination)
            results["+".join(combination) or "(none)"] = measure(client, f"/petugas/daftar/?{query}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()

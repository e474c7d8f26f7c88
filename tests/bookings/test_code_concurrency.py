"""Booking codes under concurrent submits, with real transactions and threads behind a barrier.

Runs on the file SQLite of the first pass of `make test` and on PostgreSQL in the second.
"""
import threading

import pytest
from django.db import connection, connections

from bookings.models import Booking, Service
from bookings.services import booking_submit
from tests.factories import BusinessFactory, ProductFactory, UserFactory

THREADS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submits_get_unique_consecutive_codes():
    service = Service.objects.get(slug="kemasan-standing-pouch")
    owners = [UserFactory() for _ in range(THREADS)]
    products = [ProductFactory(business=BusinessFactory(owner=o)) for o in owners]
    barrier = threading.Barrier(THREADS)
    codes, errors = [], []

    def submit(owner, product):
        try:
            barrier.wait(timeout=10)
            booking = booking_submit(actor=owner, product=product, service=service, quantity=100)
            codes.append(booking.code)
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(owners, products)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == [], f"failed submits on {connection.vendor}: {errors}"
    assert len(codes) == THREADS
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, THREADS + 1))
    assert Booking.objects.count() == THREADS

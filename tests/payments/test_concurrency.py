"""Money under concurrency, with real transactions and threads behind a barrier.

Runs on the file SQLite of the first pass of `make test` and on PostgreSQL in the second.
"""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.roles import Role
from bookings.models import Service
from payments import services
from payments.models import LedgerEntry, Quotation
from tests.factories import UserFactory
from tests.money_fixtures import verified_booking


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(function):
        try:
            barrier.wait(timeout=10)
            results.append(function())
        except Exception as error:  # noqa: BLE001 - the callers assert on these
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_payments_at_once_leave_a_correct_balance():
    # given a booking of Rp 300.000 with its quotation accepted
    staff, treasurer = UserFactory(role=Role.STAFF), UserFactory(role=Role.TREASURER)
    booking = verified_booking(service=Service.objects.get(slug="sablon"), staff=staff)
    services.quotation_accept(quotation=services.current_quotation(booking), actor=booking.business.owner,
                              via=Quotation.AcceptedVia.APP)
    # when two tellers record Rp 200.000 each at the same moment
    pay = lambda: services.payment_record(booking=booking, actor=treasurer, method="cash", amount=200_000)  # noqa: E731
    results, errors = run_together([pay, pay])
    # then one is recorded and the other refused against the fresh balance: never overpaid
    assert len(results) == 1, f"{connection.vendor}: {errors}"
    assert len(errors) == 1 and isinstance(errors[0], ValidationError) and "amount" in errors[0].message_dict
    assert services.paid_total(booking) == 200_000
    assert services.balance(booking)["outstanding"] == 100_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_payments_that_fit_are_all_recorded_with_unique_consecutive_receipts():
    staff, treasurer = UserFactory(role=Role.STAFF), UserFactory(role=Role.TREASURER)
    bookings = [verified_booking(service=Service.objects.get(slug="sablon"), staff=staff) for _ in range(6)]
    for booking in bookings:
        services.quotation_accept(quotation=services.current_quotation(booking), actor=booking.business.owner,
                                  via=Quotation.AcceptedVia.APP)
    pays = [
        (lambda b=b: services.payment_record(booking=b, actor=treasurer, method="cash", amount=50_000))
        for b in bookings for _ in range(2)
    ]
    results, errors = run_together(pays)
    assert errors == [], f"{connection.vendor}: {errors}"
    numbers = sorted(LedgerEntry.objects.values_list("receipt_number", flat=True))
    assert numbers == list(range(1, 13))
    assert all(services.paid_total(b) == 100_000 for b in bookings)

"""Two productions taking the last stock at once: one waits for the other's lock and is then refused;
the stock never goes negative. Threads with real transactions, on SQLite and on PostgreSQL."""
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from accounts.roles import Role
from bookings.models import Service
from bookings.services import booking_transition
from bookings.workflow import Status, TransitionError
from materials import services
from materials.models import BillLine, Material, StockMove
from payments.models import PaymentRule
from tests.factories import UserFactory
from tests.money_fixtures import verified_booking


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_productions_taking_the_last_stock():
    # given 150 pouches in the store and two bookings of 100 each
    service = Service.objects.get(slug="sablon")
    PaymentRule.objects.filter(service=service).update(payee="free", start_rule="free")
    staff = UserFactory(role=Role.STAFF)
    material = Material.objects.create(name="Kaos polos", unit="piece")
    BillLine.objects.create(service=service, material=material, per_unit=Decimal("1"))
    services.stock_receive(material=material, actor=staff, quantity=150)
    bookings = [verified_booking(service=service, staff=staff, quantity=100) for _ in range(2)]
    barrier = threading.Barrier(2)
    started, refused, errors = [], [], []

    def start(booking):
        try:
            barrier.wait(timeout=10)
            booking_transition(booking=booking, actor=staff, name="start_production_direct")
            started.append(booking.pk)
        except TransitionError as error:
            refused.append(error.message)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    # when both enter production at the same moment
    threads = [threading.Thread(target=start, args=(b,)) for b in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # then one starts, the other is refused for short materials, and the moves add up
    assert errors == [], f"{connection.vendor}: {errors}"
    assert len(started) == 1 and len(refused) == 1 and "Kaos polos" in refused[0]
    assert services.stock_of([material.pk])[material.pk] == (150, 100)
    assert StockMove.objects.filter(material=material, on_hand_after__lt=0).count() == 0
    statuses = sorted(Service.objects.get(pk=service.pk).bookings.values_list("status", flat=True))
    assert statuses == sorted([Status.PRODUCTION, Status.QUEUED])

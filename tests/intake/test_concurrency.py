"""Two counters take the same walk-in at once: one owner. Real transactions and threads behind a
barrier, on the file SQLite of the first pass of `make test` and on PostgreSQL in the second."""
import threading

import pytest
from django.db import connection, connections

from accounts.models import Business, District, OwnerPhone, User
from accounts.roles import Role
from bookings.models import Booking, Service
from intake.services import counter_intake_create
from tests.factories import UserFactory

THREADS = 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_counter_intakes_with_same_number_create_one_owner():
    service = Service.objects.get(slug="kemasan-standing-pouch")
    ambon = District.objects.get(name="Kota Ambon")
    staff = [UserFactory(role=Role.STAFF) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    owners, errors = [], []

    def take(member):
        try:
            barrier.wait(timeout=10)
            result = counter_intake_create(
                staff=member,
                owner_data={"name": "Ina", "phone": "0813 5555 6666", "gender": "female", "consent_given": True},
                business_data={"district": ambon, "sector": Business.Sector.FOOD},
                product_data={"name": "Sagu lempeng"},
                request_data={"service": service, "quantity": 100},
                notify_owner=False,
            )
            owners.append(result.owner.pk)
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(member,)) for member in staff]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == [], f"failed intakes on {connection.vendor}: {errors}"
    assert len(set(owners)) == 1
    assert User.objects.filter(owner_phone__phone="+6281355556666").count() == 1
    assert OwnerPhone.objects.filter(phone="+6281355556666").count() == 1
    assert User.objects.filter(phone="+6281355556666").count() == 1
    assert Booking.objects.filter(business__owner_id=owners[0]).count() == THREADS
    assert Business.objects.filter(owner_id=owners[0]).count() == 1  # the owner's row lock serialises the rest

import pytest
from django.urls import reverse

from accounts.models import AccountEvent, Business, LegalityDocument, OwnerPhone
from accounts.services import owner_merge, owner_find_or_create_by_whatsapp
from bookings.models import Booking, BookingEvent
from bookings.services import booking_submit, booking_verify
from intake.models import Visit
from intake.services import visit_create
from notifications.models import Notification
from products.models import Product
from tests.factories import BusinessFactory, DocumentFactory, ProductFactory

pytestmark = pytest.mark.django_db


def counts():
    return {
        "businesses": Business.objects.count(), "products": Product.objects.count(),
        "documents": LegalityDocument.objects.count(), "bookings": Booking.objects.count(),
        "events": BookingEvent.objects.count(), "notifications": Notification.objects.count(),
        "visits": Visit.objects.count(),
    }


def test_merge_moves_everything_and_keeps_history(owner, staff, admin_user, pouch):
    # given an online owner with a request, and a duplicate entered at the counter with its own
    online_product = ProductFactory(business=BusinessFactory(owner=owner))
    DocumentFactory(business=online_product.business)
    online_booking = booking_submit(actor=owner, product=online_product, service=pouch, quantity=100)
    booking_verify(booking=online_booking, actor=staff, override_reason="Halal in progress")
    duplicate, _ = owner_find_or_create_by_whatsapp(phone="081377778888", name="Ina", staff=staff, consent_given=True)
    dup_product = ProductFactory(business=BusinessFactory(owner=duplicate))
    dup_booking = booking_submit(actor=staff, product=dup_product, service=pouch, quantity=100, channel="counter")
    visit_create(staff=staff, purpose="design", owner=duplicate)
    Notification.objects.create(recipient=duplicate, channel="inapp", kind="x", subject="s", body="b")
    history = list(BookingEvent.objects.order_by("pk").values_list("pk", "booking_id", "actor_id", "action"))
    before = counts()

    # when the admin merges the duplicate into the online account
    moved = owner_merge(source=duplicate, target=owner, actor=admin_user)

    # then no row is lost, everything is the target's, history unchanged
    assert counts() == before
    assert list(BookingEvent.objects.order_by("pk").values_list("pk", "booking_id", "actor_id", "action")) == history
    assert set(Business.objects.values_list("owner_id", flat=True)) == {owner.pk}, (moved, owner.pk, duplicate.pk)
    assert Booking.objects.filter(business__owner=owner).count() == 2
    dup_booking.refresh_from_db()
    assert dup_booking.created_by == owner and dup_booking.entered_by == staff
    assert not Notification.objects.filter(recipient=duplicate).exists()
    assert Visit.objects.get().owner == owner
    duplicate.refresh_from_db()
    assert not duplicate.is_active and not duplicate.has_usable_password()
    # the number now belongs to the target when it had none; one number, one owner
    assert OwnerPhone.objects.get(phone="+6281377778888").user == owner
    event = AccountEvent.objects.get(user=owner, action=AccountEvent.Action.MERGED_FROM)
    assert event.actor == admin_user and event.data["from"] == duplicate.pk and event.data["moved"] == moved
    assert AccountEvent.objects.filter(user=duplicate, action=AccountEvent.Action.MERGED).exists()
    assert moved["accounts.business.owner"] == 1


def test_merge_page_for_admins(client, admin_user, owner, staff):
    duplicate, _ = owner_find_or_create_by_whatsapp(phone="081377778888", name="Ina", staff=staff, consent_given=True)
    client.force_login(admin_user)
    same = client.post(reverse("accounts:owner_merge"), {"source": owner.username, "target": owner.username})
    assert same.status_code == 200 and "target" in same.context["form"].errors
    response = client.post(reverse("accounts:owner_merge"), {"source": "0813 7777 8888", "target": owner.username})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert not duplicate.is_active

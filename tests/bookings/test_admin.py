"""No back door: the Django admin shows bookings but cannot change them (changes go through
bookings.services, which keep the history and recompute the queue)."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.models import Booking, BookingEvent, Holiday
from bookings.services import booking_submit
from bookings.tasks import recompute_all_queues, recompute_queue


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = True  # the Django admin needs is_staff (create_office_user sets it for admins)
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    return client


@pytest.fixture
def booking(owner, product, pouch):
    return booking_submit(actor=owner, product=product, service=pouch, quantity=100)


def test_an_admin_sees_a_booking_without_fields_to_change(admin_client, booking):
    page = admin_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("priority", "assignee", "quantity", "notes", "desired_date", "status"):
        assert f'name="{field}"' not in html
    assert 'name="_save"' not in html


@pytest.mark.parametrize("as_superuser", [False, True])
def test_posting_priority_or_assignee_through_the_admin_changes_nothing(client, admin_user, staff, booking, as_superuser):
    admin_user.is_staff = True
    admin_user.is_superuser = as_superuser
    admin_user.save()
    client.force_login(admin_user)
    events = BookingEvent.objects.filter(booking=booking).count()
    response = client.post(
        reverse("admin:bookings_booking_change", args=[booking.pk]),
        {"priority": 2, "assignee": staff.pk, "quantity": 500, "notes": "diubah", "desired_date": ""},
    )
    assert response.status_code == 403
    booking.refresh_from_db()
    assert (booking.priority, booking.assignee_id, booking.quantity, booking.notes) == (0, None, 100, "")
    assert BookingEvent.objects.filter(booking=booking).count() == events


def test_the_admin_group_may_still_view_bookings(admin_client, booking):
    assert Group.objects.get(name="admin").permissions.filter(codename="view_booking").exists()
    assert admin_client.get(reverse("admin:bookings_booking_changelist")).status_code == 200


def test_changing_a_service_in_the_admin_recomputes_its_queue(admin_client, pouch, django_capture_on_commit_callbacks):
    url = reverse("admin:bookings_service_change", args=[pouch.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["required_documents"] = form["required_documents"].field.prepare_value(pouch.required_documents)
    data.update(daily_capacity=pouch.daily_capacity + 10, tariff=pouch.tariff)
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    keys = [getattr(c, "enqueue_key", None) for c in callbacks]
    assert (recompute_queue.name, (pouch.pk,)) in keys


def test_adding_a_holiday_in_the_admin_recomputes_every_queue(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(reverse("admin:bookings_holiday_add"), {"date": "2026-12-24", "name": "Cuti bersama"})
    assert response.status_code == 302
    assert Holiday.objects.filter(date="2026-12-24").exists()
    assert (recompute_all_queues.name, ()) in [getattr(c, "enqueue_key", None) for c in callbacks]
    assert Booking.objects.count() == 0

"""Exact query counts of every list page, at two sizes of data (the count may not grow with rows).

Every signed-in page pays: session (1), user (1), the user's groups for the role check (1), and the
navbar's unread-notification count (1) = 4 fixed queries, called FIXED below.
"""
import pytest
from django.urls import reverse

from bookings.demo import generate_bookings
from bookings.models import Booking
from notifications.models import Channel, Notification

FIXED = 4


def notify_many(user, n):
    Notification.objects.bulk_create(
        Notification(recipient=user, channel=Channel.IN_APP, kind="booking_status", subject=f"S{i}", body="B", status="sent")
        for i in range(n)
    )


def office_pages(staff):
    sample = Booking.objects.order_by("id").first()  # a filter that matches rows at both sizes
    return {
        # + one aggregate for every column's count + one windowed query for each column's first ids
        # + the cards + the filter form's three choice lists (services, districts, staff)
        reverse("bookings:board"): FIXED + 3 + 3,
        # + paginator count + one page of rows with joins + the filter form's three choice lists
        reverse("bookings:table"): FIXED + 2 + 3,
        # filtered: the filter form also looks up the chosen service (1)
        reverse("bookings:table") + f"?service={sample.service_id}&status={sample.status}": FIXED + 1 + 2 + 3,
        # + one aggregate for the three counts + the due, overdue and waiting lists + the workload
        reverse("bookings:today"): FIXED + 1 + 3 + 1,
        # + the businesses with their districts in one query
        reverse("accounts:business_list"): FIXED + 1,
        # + paginator count + one page of notifications
        reverse("notifications:inbox"): FIXED + 2,
        # + paginator count + one page of bookings joined to business, product and service
        reverse("bookings:list"): FIXED + 2,
    }


def owner_pages():
    return {
        reverse("bookings:list"): FIXED + 2,
        reverse("accounts:business_list"): FIXED + 1,
        reverse("notifications:inbox"): FIXED + 2,
    }


@pytest.mark.parametrize("size", [12, 300])
def test_list_pages_make_an_exact_number_of_queries(client, staff, django_assert_num_queries, size):
    generate_bookings(size, seed=size)
    owner = Booking.objects.select_related("business__owner").order_by("id").first().business.owner
    notify_many(staff, 40)
    notify_many(owner, 40)
    for user, pages in ((staff, office_pages(staff)), (owner, owner_pages())):
        client.force_login(user)
        for url, expected in pages.items():
            with django_assert_num_queries(expected):
                response = client.get(url)
            assert response.status_code == 200, url

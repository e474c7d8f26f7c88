"""Pages read a constant number of SQL queries whatever the number of bookings.

Each page is rendered with 10 and then with 500 generated bookings (with histories); the count of
queries must be the same. The ceilings are explained per page.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.demo import generate_bookings
from bookings.models import Booking
from bookings.tracking import tracking_url


def count_queries(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, url
    return len(context.captured_queries)


def busiest_owner_client(client):
    booking = Booking.objects.order_by("-business__bookings__id").select_related("business__owner").first()
    client.force_login(booking.business.owner)
    return booking


# Every signed-in page also counts the unread notifications for the navbar (1 query).
PAGES = {
    # session, user, groups (role check) + 1 aggregate for all column counts + 1 windowed query for
    # the ids of every column's first cards + 1 for those cards + the filter form's choice lists
    # (services, districts, staff)
    "board": 10,
    # session, user, groups + one aggregate for the three counts + due, overdue and waiting lists
    # (each bounded: an id subquery with the joins after) + workload aggregate
    "today": 9,
    # session, user, groups + paginator count + one page of bookings joined to business/product/service
    "my_requests": 6,
    # session, user, groups + booking with joins + prefetches: events, reference files, proofs,
    # product documents, business documents + the product's documents again for the requirement check
    # + the money panel (payments hook): the service's payment rule, the current quotation, the ledger
    # entries (the paid sum is added up from them) and the transfer proofs
    "detail": 17,
    # the signed link: one booking joined to its service (no session for an anonymous visitor)
    "tracking": 1,
}


def measure(client, staff):
    result = {}
    client.force_login(staff)
    result["board"] = count_queries(client, reverse("bookings:board"))
    result["today"] = count_queries(client, reverse("bookings:today"))
    booking = busiest_owner_client(client)
    result["my_requests"] = count_queries(client, reverse("bookings:list"))
    result["detail"] = count_queries(client, booking.get_absolute_url())
    client.logout()
    result["tracking"] = count_queries(client, tracking_url(booking))
    return result


@pytest.mark.django_db
def test_pages_use_a_constant_number_of_queries(client, staff, django_assert_max_num_queries):
    generate_bookings(10, seed=1)
    small = measure(client, staff)
    generate_bookings(490, seed=2)
    assert Booking.objects.count() == 500
    large = measure(client, staff)
    assert small == large, f"query counts grew with the data: {small} -> {large}"
    for page, ceiling in PAGES.items():
        client.force_login(staff)
        assert large[page] <= ceiling, f"{page}: {large[page]} queries, budget {ceiling}"
    # And the same ceilings through pytest-django's own guard, for the two busiest pages.
    client.force_login(staff)
    with django_assert_max_num_queries(PAGES["board"]):
        client.get(reverse("bookings:board"))
    with django_assert_max_num_queries(PAGES["today"]):
        client.get(reverse("bookings:today"))

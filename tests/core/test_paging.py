"""BoundedPaginator: the same pages as Django's Paginator, with a count that stops at a bound."""
import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import District
from core.paging import BoundedPaginator


@pytest.fixture
def rows(db):
    assert District.objects.count() == 11  # the kabupaten/kota of Maluku, seeded by migration
    return District.objects.order_by("pk")


def test_under_the_bound_it_is_djangos_paginator(rows):
    bounded, plain = BoundedPaginator(rows, 3, bound=100), Paginator(rows, 3)
    assert (bounded.count, bounded.num_pages, bounded.more) == (plain.count, plain.num_pages, False) == (11, 4, False)
    assert list(bounded.get_page(4).object_list) == list(plain.get_page(4).object_list)


def test_exactly_at_the_bound_there_is_no_more(rows):
    assert (BoundedPaginator(rows, 2, bound=11).count, BoundedPaginator(rows, 2, bound=11).more) == (11, False)
    paginator = BoundedPaginator(rows, 2, bound=10)
    assert (paginator.count, paginator.more) == (10, True)


def test_past_the_bound_the_next_page_stays_reachable(rows):
    first = BoundedPaginator(rows, 2, page=1, bound=4)
    assert (first.count, first.more, first.get_page(1).has_next()) == (4, True, True)
    # asking for page 4 counts one page past it: 10 rows, and still more
    fourth = BoundedPaginator(rows, 2, page="4", bound=4)
    page = fourth.get_page(4)
    assert (fourth.count, fourth.more, page.has_next()) == (10, True, True)
    assert list(page.object_list) == list(rows[6:8])
    last = BoundedPaginator(rows, 2, page=6, bound=4)
    assert (last.count, last.more, last.get_page(6).has_next()) == (11, False, False)


@pytest.mark.parametrize("page", [None, "", "abc", "-3", "0"])
def test_a_missing_or_odd_page_counts_from_the_first(rows, page):
    assert BoundedPaginator(rows, 2, page=page, bound=4).limit == 4


def test_the_count_is_one_bounded_query(rows):
    with CaptureQueriesContext(connection) as queries:
        assert BoundedPaginator(rows, 2, bound=5).count == 5
    assert len(queries) == 1
    assert "LIMIT 6" in queries[0]["sql"] and "ORDER BY" not in queries[0]["sql"]


def test_the_staff_list_says_more_than_past_the_bound(client, staff, monkeypatch):
    from django.urls import reverse

    from bookings.demo import generate_bookings

    generate_bookings(60, seed=3)
    monkeypatch.setattr(BoundedPaginator, "BOUND", 20)
    client.force_login(staff)
    page = client.get(reverse("bookings:table")).content.decode()
    assert "Lebih dari 50 permohonan" in page and "Halaman 1<" in page  # page 1: counts to page 2's end (50)
    page = client.get(reverse("bookings:table") + "?status=diajukan").content.decode()
    assert "Lebih dari" not in page

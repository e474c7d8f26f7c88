"""percentile_cont on both databases, against values known by hand."""
import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from bookings.models import Booking
from reports.dbfunctions import DaysBetween, grouped_percentiles, percentiles
from tests.factories import ProductFactory


@pytest.fixture
def spans(db, pouch):
    """Bookings closed 1, 2, 4, 7 and 10 days after submission (service A), and 3 and 5 (service B)."""
    from bookings.models import Service

    other = Service.objects.get(slug="sablon")
    product = ProductFactory()
    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 8))
    rows = [(pouch, d) for d in (1, 2, 4, 7, 10)] + [(other, d) for d in (3, 5)]
    for i, (service, days) in enumerate(rows):
        Booking.objects.create(
            code=f"T-{i}", business=product.business, product=product, service=service, created_by=product.business.owner,
            quantity=100, unit_price=0, estimated_cost=0, status="selesai", submitted_at=start,
            closed_at=start + datetime.timedelta(days=days),
        )
    return pouch, other


def test_days_between_counts_fractional_days(spans):
    values = sorted(Booking.objects.annotate(d=DaysBetween(F("closed_at"), F("submitted_at"))).values_list("d", flat=True))
    assert values == pytest.approx([1, 2, 3, 4, 5, 7, 10])


def test_percentiles_match_percentile_cont(spans):
    # 7 values 1,2,3,4,5,7,10: median = 4; p90 position 1 + 6 × 0.9 = 6.4 → 7 + 0.4 × (10 - 7) = 8.2
    result = percentiles(Booking.objects.all(), DaysBetween(F("closed_at"), F("submitted_at")), [0.5, 0.9])
    assert result == {0.5: pytest.approx(4), 0.9: pytest.approx(8.2)}


def test_percentiles_of_nothing_are_none(db):
    assert percentiles(Booking.objects.all(), DaysBetween(F("closed_at"), F("submitted_at")), [0.5]) == {0.5: None}


def test_grouped_percentiles(spans):
    pouch, other = spans
    result = grouped_percentiles(Booking.objects.all(), "service_id", DaysBetween(F("closed_at"), F("submitted_at")), [0.5, 0.9])
    # A: 1,2,4,7,10 → median 4, p90 position 4.6 → 7 + 0.6 × 3 = 8.8; B: 3,5 → median 4, p90 3 + 0.9 × 2 = 4.8
    assert result[pouch.pk] == {0.5: pytest.approx(4), 0.9: pytest.approx(8.8)}
    assert result[other.pk] == {0.5: pytest.approx(4), 0.9: pytest.approx(4.8)}

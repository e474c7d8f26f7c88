"""The staff list's filters: dates are the office's (WIT) days, served by an index range."""
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.filters import BookingFilter
from bookings.models import Booking
from bookings.services import booking_submit


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_submitted_dates_are_whole_local_days(owner, product, pouch):
    day = datetime.date(2026, 10, 14)
    moments = {
        "before": _at(day - datetime.timedelta(days=1), 23, 59),
        "first": _at(day, 0, 0),
        "last": _at(day, 23, 59),
        "after": _at(day + datetime.timedelta(days=1), 0, 0),
    }
    codes = {}
    for name, moment in moments.items():
        booking = booking_submit(actor=owner, product=product, service=pouch, quantity=200)
        Booking.objects.filter(pk=booking.pk).update(submitted_at=moment)
        codes[booking.code] = name

    def shown(**data):
        return {codes[b.code] for b in BookingFilter(data, queryset=Booking.objects.all()).qs}

    assert shown(submitted_from="2026-10-14", submitted_to="2026-10-14") == {"first", "last"}
    assert shown(submitted_from="2026-10-14") == {"first", "last", "after"}
    assert shown(submitted_to="2026-10-14") == {"before", "first", "last"}
    assert shown(submitted_from="2026-10-15", submitted_to="2026-10-13") == set()


def test_submitted_dates_compare_the_stored_time_itself(owner, product, pouch):
    """No conversion of each row's time in SQL (which would keep the index out): the bound is a moment."""
    filtered = BookingFilter({"submitted_from": "2026-10-14", "submitted_to": "2026-10-20"}, queryset=Booking.objects.all())
    with CaptureQueriesContext(connection) as queries:
        list(filtered.qs)
    sql = queries.captured_queries[-1]["sql"].lower()
    assert '"submitted_at" >=' in sql and '"submitted_at" <' in sql
    assert "date(" not in sql and "::date" not in sql and "django_datetime_cast_date" not in sql

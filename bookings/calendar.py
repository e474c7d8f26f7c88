"""Working days: Monday to Friday, minus the public holidays kept as data (bookings.Holiday)."""
import datetime

from bookings.models import Holiday


def holidays_from(start: datetime.date) -> frozenset[datetime.date]:
    return frozenset(Holiday.objects.filter(date__gte=start).values_list("date", flat=True))


def is_working_day(day: datetime.date, holidays: frozenset[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: datetime.date, days: int, holidays: frozenset[datetime.date]) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def subtract_working_days(end: datetime.date, days: int, holidays: frozenset[datetime.date]) -> datetime.date:
    """The date ``days`` working days before ``end``."""
    day = end
    remaining = days
    while remaining > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, holidays: frozenset[datetime.date]) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    if end <= start:
        return 0
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            days += 1
    return days

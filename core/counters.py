"""Per-year numbering (booking codes, receipt numbers): one counter row per year, bumped in the
caller's transaction.

The row is created once (a conflict-ignoring insert: two first numbers of a year do not fail) and
bumped with an UPDATE that takes its row lock until commit, so concurrent writers queue on that row
instead of reading the same ``MAX()``. A unique constraint on the numbered rows is the backstop. On
SQLite the settings open transactions IMMEDIATE, which serialises writers.
"""
from django.db.models import F, Model


def year_counter_next(counter: type[Model], *, year: int) -> int:
    """Bump ``counter``'s row of ``year`` (fields ``year``, ``last_number``) and return the new number."""
    counter.objects.bulk_create([counter(year=year, last_number=0)], ignore_conflicts=True)
    counter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    return counter.objects.values_list("last_number", flat=True).get(year=year)


def year_counter_lock(counter: type[Model], *, year: int) -> None:
    """Take the row lock of ``counter``'s row of ``year`` until commit, without changing the number."""
    counter.objects.bulk_create([counter(year=year, last_number=0)], ignore_conflicts=True)
    counter.objects.filter(year=year).update(last_number=F("last_number"))

"""Database functions the reports need, written for PostgreSQL and SQLite alike.

``DaysBetween`` is the length of a time span in (fractional) days. ``percentiles`` and
``grouped_percentiles`` give exact ``percentile_cont`` values: PostgreSQL computes them with
``percentile_cont(p) WITHIN GROUP (ORDER BY …)``; SQLite has no percentile aggregate, so the rows are
ranked with window functions in the database and only the one or two values around each percentile's
position are read back and interpolated — never an average in disguise, never a loop over all rows.
"""
from __future__ import annotations

import datetime
import math
import zoneinfo

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, DateField, F, FloatField, Func, Q, Window
from django.db.models.functions import Floor, RowNumber


class DaysBetween(Func):
    """(end - start) in days, as a float."""

    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)", arg_joiner=" - ", **extra_context)


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(p) WITHIN GROUP (ORDER BY expr)``."""

    function = "percentile_cont"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction: float, **extra):
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            raise NotImplementedError("percentile_cont is PostgreSQL only; use reports.dbfunctions.percentiles")
        expression_sql, params = compiler.compile(self.source_expressions[0])
        return f"percentile_cont({self.fraction!r}) WITHIN GROUP (ORDER BY {expression_sql})", params


def _interpolate(low: float, high: float, position: float) -> float:
    return low + (position - math.floor(position)) * (high - low)


def _positions(n: int, fraction: float) -> tuple[int, int, float]:
    """1-based ranks around percentile_cont's position (1 + (n - 1) * p) and the position itself."""
    position = 1 + (n - 1) * fraction
    return math.floor(position), math.ceil(position), position


def percentiles(queryset, expression, fractions: list[float]) -> dict[float, float | None]:
    """percentile_cont of ``expression`` over ``queryset`` for each fraction (None when no rows)."""
    values = queryset.annotate(_v=expression).filter(_v__isnull=False)
    if connection.vendor == "postgresql":
        result = values.aggregate(**{f"p{i}": PercentileCont(F("_v"), p) for i, p in enumerate(fractions)})
        return {p: result[f"p{i}"] for i, p in enumerate(fractions)}
    n = values.count()
    if n == 0:
        return dict.fromkeys(fractions)
    wanted = {rank for p in fractions for rank in _positions(n, p)[:2]}
    ranked = values.annotate(_rank=Window(RowNumber(), order_by=[F("_v").asc(), F("pk").asc()]))
    by_rank = dict(ranked.filter(_rank__in=wanted).values_list("_rank", "_v"))
    result = {}
    for p in fractions:
        low, high, position = _positions(n, p)
        result[p] = _interpolate(by_rank[low], by_rank[high], position)
    return result


def grouped_percentiles(queryset, group: str, expression, fractions: list[float]) -> dict:
    """{group value: {fraction: percentile_cont}} computed per group by the database."""
    values = queryset.annotate(_v=expression).filter(_v__isnull=False)
    if connection.vendor == "postgresql":
        rows = values.values(group).annotate(**{f"p{i}": PercentileCont(F("_v"), p) for i, p in enumerate(fractions)})
        return {row[group]: {p: row[f"p{i}"] for i, p in enumerate(fractions)} for row in rows}
    counts = dict(values.values(group).annotate(_n=Count("pk")).values_list(group, "_n"))
    ranked = values.annotate(
        _rank=Window(RowNumber(), partition_by=F(group), order_by=[F("_v").asc(), F("pk").asc()]),
        _n=Window(Count("pk"), partition_by=F(group)),
    )
    # Only the ranks around each percentile's position in its group come back: at most 2 per fraction.
    wanted = Q()
    for p in fractions:
        low = Floor(1 + (F("_n") - 1) * p)
        wanted |= Q(_rank=low) | Q(_rank=low + 1)
    rows = ranked.filter(wanted).values_list(group, "_rank", "_v")
    found: dict = {}
    for key, rank, value in rows:
        found.setdefault(key, {})[rank] = value
    result = {}
    for key, n in counts.items():
        result[key] = {}
        for p in fractions:
            low, high, position = _positions(n, p)
            ranks = found.get(key, {})
            result[key][p] = _interpolate(ranks[low], ranks.get(high, ranks[low]), position)
    return result


def _utc_offset_modifier() -> str:
    """SQLite date modifier for the site's (fixed) UTC offset, e.g. '+540 minutes' for WIT."""
    offset = datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).utcoffset()
    return f"{int(offset.total_seconds() // 60):+d} minutes"


class LocalDate(Func):
    """The local (site time zone) date of a timestamp, computed in SQL without per-row callbacks.

    SQLite stores UTC text; the site's zone (WIT) has no daylight saving, so a fixed offset is exact.
    """

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*params, _utc_offset_modifier()]

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", [*params, settings.TIME_ZONE]


class LocalWeekStart(Func):
    """The Monday (local date) of the week of a timestamp."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s, 'weekday 0', '-6 days')", [*params, _utc_offset_modifier()]

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date_trunc('week', ({sql}) AT TIME ZONE %s)::date", [*params, settings.TIME_ZONE]

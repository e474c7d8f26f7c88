"""The throughput report, computed by the database.

Every figure is an aggregate (``Count(filter=)``, ``Sum``, date truncation, percentiles from
reports.dbfunctions) over the bookings and events of the period: no Python loop over bookings. The
period is a range of local (WIT) dates, both ends included.

Definitions:
- submitted / verified: submitted_at / verified_at in the period; completed, rejected, cancelled:
  closed in the period with that status; backlog: submitted before the moment and not yet closed.
- lead time: calendar days from submission to completion, of the requests completed in the period.
- on time: completed no later than the due date (verification + the service's lead time in working days).
- time per stage: the time requests completed in the period spent in each status.
- UMKM served: distinct businesses with a request completed in the period; first-time: of those, the
  ones with no request completed before the period.
- channel: how requests came in (online, counter, WhatsApp, outreach); the whole report can be limited
  to one channel, and every breakdown has a "by channel" table.
- guest book (issue 9): visits logged in the period, by purpose, regency/city, gender and first visit;
  consultations (every purpose but collecting goods) and those turned into a request.
- owners served without an account: owners with a request submitted in the period who have not (yet)
  taken over the account staff made for them. Claim rate: of the owners staff entered in the period,
  the share who claimed the account by now.
- turnover change: surveys answered in the period that gave a turnover band, compared with the band the
  business had before (recorded at intake): up, same or down.

Two sources, one set of definitions: ``source="facts"`` (the default) reads the roll-up
(``reports.models.BookingFact`` / ``StageFact``, kept by reports.rollup), ``source="live"`` reads the
bookings and events themselves and is the reference the roll-up is tested against. The functions below
are written once for both: the facts carry the booking's field names, and ``lead_time``, the closing day,
the revision count and the stage rows are the only places where the two differ. ``build`` refreshes the
facts of the bookings changed since the last refresh before it reads them; the parts below, called on
their own with ``source="facts"``, read the facts as they are. The guest book, accounts
and surveys (``intake_summary``, the IKM) are small and always read live.
"""
from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountEvent, Business, User
from bookings.models import Booking, BookingChannel, BookingEvent, Service
from bookings.workflow import Action, Status
from intake.models import Visit
from reports import rollup
from reports.dbfunctions import (
    DaysBetween, LocalDate, LocalWeekStart, PercentileCont, grouped_percentiles, percentiles,
)
from reports.models import BookingFact, StageFact, SurveyResponse
from reports.survey import ikm, ikm_by

FACTS, LIVE = "facts", "live"
FRACTIONS = [0.5, 0.9]
LEAD_TIME_BUCKETS = [(0, 5), (5, 10), (10, 20), (20, 40), (40, None)]


@dataclass(frozen=True)
class ReportParams:
    start: datetime.date
    end: datetime.date
    service_id: int | None = None
    district_id: int | None = None
    staff_id: int | None = None
    channel: str | None = None

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def as_dict(self) -> dict:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ReportParams:
        return cls(
            start=datetime.date.fromisoformat(data["start"]), end=datetime.date.fromisoformat(data["end"]),
            service_id=data.get("service_id"), district_id=data.get("district_id"), staff_id=data.get("staff_id"),
            channel=data.get("channel"),
        )


def _narrow(qs, params: ReportParams):
    if params.service_id:
        qs = qs.filter(service_id=params.service_id)
    if params.district_id:
        qs = qs.filter(business__district_id=params.district_id)
    if params.staff_id:
        qs = qs.filter(assignee_id=params.staff_id)
    if params.channel:
        qs = qs.filter(channel=params.channel)
    return qs


def scope(params: ReportParams, source: str = LIVE):
    """The bookings the report is limited to (their facts with ``source="facts"``)."""
    return _narrow((BookingFact if source == FACTS else Booking).objects.all(), params)


def _in(field: str, params: ReportParams) -> Q:
    return Q(**{f"{field}__gte": params.start_at, f"{field}__lt": params.end_at})


def completed_q(params: ReportParams) -> Q:
    return Q(status=Status.DONE) & _in("closed_at", params)


def completed(params: ReportParams, source: str = LIVE):
    return scope(params, source).filter(completed_q(params))


def lead_time(source: str = LIVE):
    """Calendar days from submission to closing (stored as ``lead_days`` by the roll-up)."""
    return F("lead_days") if source == FACTS else DaysBetween(F("closed_at"), F("submitted_at"))


def _closed_day(source: str):
    return F("closed_day") if source == FACTS else LocalDate("closed_at")


def summary(params: ReportParams, source: str = LIVE) -> dict:
    """The counts, backlog, value and reach of the period: one aggregate query, plus percentiles."""
    done = completed_q(params)
    facts = source == FACTS

    def backlog_at(moment):
        return Q(submitted_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))

    row = scope(params, source).annotate(_closed_day=_closed_day(source)).aggregate(
        submitted=Count("pk", filter=_in("submitted_at", params)),
        verified=Count("pk", filter=_in("verified_at", params)),
        completed=Count("pk", filter=done),
        rejected=Count("pk", filter=Q(status=Status.REJECTED) & _in("closed_at", params)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED) & _in("closed_at", params)),
        backlog_start=Count("pk", filter=backlog_at(params.start_at)),
        backlog_end=Count("pk", filter=backlog_at(params.end_at)),
        with_due=Count("pk", filter=done & Q(due_date__isnull=False)),
        on_time=Count("pk", filter=done & Q(_closed_day__lte=F("due_date"))),
        umkm=Count("business", distinct=True, filter=done),
        products=Count("product", distinct=True, filter=done),
        units=Sum("quantity_produced", filter=done, default=0),
        value=Sum("estimated_cost", filter=done, default=0),
        **({"_revisions": Sum("revisions", filter=done, default=0)} if facts else {}),
    )
    everyone = BookingFact.objects if facts else Booking.objects
    served_before = everyone.filter(status=Status.DONE, closed_at__lt=params.start_at).values("business")
    returning = completed(params, source).filter(business__in=served_before).values("business").distinct().count()
    row["first_time"] = row["umkm"] - returning
    lead = percentiles(completed(params, source), lead_time(source), FRACTIONS)
    if facts:
        revisions = row.pop("_revisions")
    else:
        revisions = BookingEvent.objects.filter(action=Action.REQUEST_REVISION, booking__in=completed(params).values("pk")).count()
    row.update(
        lead_p50=lead[0.5],
        lead_p90=lead[0.9],
        on_time_rate=row["on_time"] / row["with_due"] if row["with_due"] else None,
        revisions=revisions,
        revisions_per_request=revisions / row["completed"] if row["completed"] else None,
    )
    return row


def stage_rows(params: ReportParams, source: str = LIVE):
    """The events (stage times) of the requests completed in the period."""
    if source == FACTS:  # StageFact holds the stage times of completed requests only
        return _narrow(StageFact.objects.filter(_in("closed_at", params)), params)
    return BookingEvent.objects.filter(booking__in=completed(params).values("pk"), stage_seconds__isnull=False)


def stages(params: ReportParams, source: str = LIVE) -> list[dict]:
    """Time spent in each status by the requests completed in the period, longest median first."""
    events = stage_rows(params, source)
    if source == FACTS and connection.vendor == "postgresql":
        # One pass over the index (from_status, stage_days): counts, totals and percentiles together.
        rows = events.values("from_status").annotate(
            n=Count("*"), total=Sum("stage_seconds"),  # "*", not the key: the index holds the rest
            **{f"p{i}": PercentileCont(F("stage_days"), p) for i, p in enumerate(FRACTIONS)},
        ).order_by("from_status")
        totals = {row["from_status"]: row for row in rows}
        medians = {key: {p: row[f"p{i}"] for i, p in enumerate(FRACTIONS)} for key, row in totals.items()}
    else:
        days = F("stage_days") if source == FACTS else F("stage_seconds") / 86400.0
        totals = {
            row["from_status"]: row
            for row in events.values("from_status").annotate(n=Count("pk"), total=Sum("stage_seconds"))
        }
        medians = grouped_percentiles(events, "from_status", days, FRACTIONS)
    rows = [
        {
            "status": stage,
            "label": Status(stage).label if stage in Status.values else stage,
            "count": totals[stage]["n"],
            "total_days": totals[stage]["total"] / 86400,
            "p50": medians.get(stage, {}).get(0.5),
            "p90": medians.get(stage, {}).get(0.9),
        }
        for stage in totals
    ]
    return sorted(rows, key=lambda r: -(r["p50"] or 0))


CHOICE_LABELS = {
    "sector": dict(Business.Sector.choices),
    "scale": dict(Business.Scale.choices),
    "gender": dict(Business.Gender.choices),
    "channel": dict(BookingChannel.choices),
}

BREAKDOWNS = {
    "service": ("service__name", "service_id"),
    "district": ("business__district__name", "business__district_id"),
    "sector": ("business__sector", "business__sector"),
    "scale": ("business__scale", "business__scale"),
    "gender": ("business__owner_gender", "business__owner_gender"),
    "staff": ("assignee__name", "assignee_id"),
    "channel": ("channel", "channel"),
}


def _dimension_rows(params: ReportParams, dimension: str, source: str) -> list[dict]:
    """The counts of one breakdown (one grouped query), ordered by completed (descending), then label."""
    label, key = BREAKDOWNS[dimension]
    done = completed_q(params)
    return list(
        scope(params, source)
        .filter(_in("submitted_at", params) | done)
        .values(key, label)
        .annotate(
            submitted=Count("pk", filter=_in("submitted_at", params)),
            completed=Count("pk", filter=done),
            umkm=Count("business", distinct=True, filter=done),
            units=Sum("quantity_produced", filter=done, default=0),
            value=Sum("estimated_cost", filter=done, default=0),
        )
        .order_by("-completed", label)
    )


def _breakdown_rows_two_level(params: ReportParams, source: str) -> dict[str, list[dict]]:
    """The rows of ``_dimension_rows`` for every dimension from one query (PostgreSQL).

    First the period's requests are summed per business and per (business, service), (business, staff
    member), (business, channel) — GROUPING SETS, hashed, over the facts alone, no join. The seven
    breakdowns then add up those few thousand rows, joined to businesses, districts, services and users:
    a business's district, sector, scale and gender are the business's, so its sums carry them, and "UMKM
    served" in a group is the number of its businesses with a completed request. The same numbers as
    seven grouped queries with COUNT(DISTINCT business) that each join and sort the whole period, and
    the same order: completed (descending), then label in the database's collation, NULL last."""
    done, submitted = completed_q(params), _in("submitted_at", params)
    facts = scope(params, source).filter(submitted | done).annotate(
        _b=F("business_id"), _s=F("service_id"), _a=F("assignee_id"), _c=F("channel"),
        _q=F("quantity_produced"), _v=F("estimated_cost"),
        _sub=ExpressionWrapper(submitted, output_field=BooleanField()),
        _done=ExpressionWrapper(done, output_field=BooleanField()),
    ).values("_b", "_s", "_a", "_c", "_q", "_v", "_sub", "_done")
    inner, values = facts.query.sql_with_params()
    business, district = Business._meta.db_table, Business._meta.get_field("district").related_model._meta.db_table
    service, user = Service._meta.db_table, User._meta.db_table
    sums = ("SUM(submitted), SUM(completed), COUNT(*) FILTER (WHERE completed > 0), "
            "COALESCE(SUM(units), 0)::bigint, COALESCE(SUM(value), 0)::bigint")
    # GROUPING(_s, _a, _c) of each first-level set: 3 = (business, service), 5 = (business, staff member),
    # 6 = (business, channel), 7 = (business). Columns: dimension, integer key, text key, label, sums.
    sql = f"""
        WITH per AS (
            SELECT GROUPING(_s, _a, _c) AS g, _b, _s, _a, _c,
                   COUNT(*) FILTER (WHERE _sub) AS submitted, COUNT(*) FILTER (WHERE _done) AS completed,
                   SUM(_q) FILTER (WHERE _done) AS units, SUM(_v) FILTER (WHERE _done) AS value
            FROM ({inner}) AS facts
            GROUP BY GROUPING SETS ((_b), (_b, _s), (_b, _a), (_b, _c))
        ), by_business AS (
            SELECT per.*, b.district_id, d.name AS district_name, b.sector, b.scale, b.owner_gender
            FROM per JOIN {business} b ON b.id = per._b JOIN {district} d ON d.id = b.district_id
            WHERE per.g = 7
        )
        SELECT 0, per._s, NULL, s.name, {sums} FROM per JOIN {service} s ON s.id = per._s
            WHERE per.g = 3 GROUP BY per._s, s.name
        UNION ALL SELECT 1, district_id, NULL, district_name, {sums} FROM by_business GROUP BY district_id, district_name
        UNION ALL SELECT 2, NULL, sector, sector, {sums} FROM by_business GROUP BY sector
        UNION ALL SELECT 3, NULL, scale, scale, {sums} FROM by_business GROUP BY scale
        UNION ALL SELECT 4, NULL, owner_gender, owner_gender, {sums} FROM by_business GROUP BY owner_gender
        UNION ALL SELECT 5, per._a, NULL, u.name, {sums} FROM per LEFT JOIN {user} u ON u.id = per._a
            WHERE per.g = 5 GROUP BY per._a, u.name
        UNION ALL SELECT 6, NULL, per._c, per._c, {sums} FROM per WHERE per.g = 6 GROUP BY per._c
        ORDER BY 1, 6 DESC, 4
    """
    dimensions = ["service", "district", "sector", "scale", "gender", "staff", "channel"]  # the SELECTs above
    result = {name: [] for name in BREAKDOWNS}
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        for index, number, text, shown, *counts in cursor.fetchall():
            dimension = dimensions[index]
            label, key = BREAKDOWNS[dimension]
            row = {key: number if index in (0, 1, 5) else text}
            if label != key:
                row[label] = shown
            row.update(zip(("submitted", "completed", "umkm", "units", "value"), counts))
            result[dimension].append(row)
    return result


def _finish(params: ReportParams, dimension: str, rows: list[dict], source: str) -> list[dict]:
    """Add the median lead time (staff, service, channel) and the shown key and label to the rows."""
    label, key = BREAKDOWNS[dimension]
    if dimension in ("staff", "service", "channel"):
        medians = grouped_percentiles(completed(params, source), key, lead_time(source), [0.5])
        for row in rows:
            row["lead_p50"] = medians.get(row[key], {}).get(0.5)
    choices = CHOICE_LABELS.get(dimension, {})
    for row in rows:
        value = row.pop(key)
        shown = row.pop(label) if label != key else choices.get(value, value)
        row["key"], row["label"] = value, shown if shown not in (None, "") else _("Not stated")
    return rows


def breakdown(params: ReportParams, dimension: str, source: str = LIVE) -> list[dict]:
    """Requests submitted and completed, UMKM served, units and value per group (one grouped query);
    for staff members, services and channels also the median lead time of their completed requests
    (for staff: the handling time)."""
    return _finish(params, dimension, _dimension_rows(params, dimension, source), source)


def breakdowns(params: ReportParams, source: str = LIVE) -> dict[str, list[dict]]:
    """``breakdown`` of every dimension. From the facts on PostgreSQL the counts of all seven come from
    one query (``_breakdown_rows_two_level``); elsewhere, one query per dimension."""
    if source == FACTS and connection.vendor == "postgresql":
        found = _breakdown_rows_two_level(params, source)
    else:
        found = {dimension: _dimension_rows(params, dimension, source) for dimension in BREAKDOWNS}
    return {dimension: _finish(params, dimension, rows, source) for dimension, rows in found.items()}


def weekly(params: ReportParams, source: str = LIVE) -> list[dict]:
    """Submitted and completed per week, and the backlog at the end of each week."""
    base = scope(params, source)
    def per_week(queryset, field):
        rows = queryset.annotate(week=LocalWeekStart(field)).values("week").annotate(n=Count("pk")).values_list("week", "n")
        return {_day(week): n for week, n in rows}

    submitted = per_week(base.filter(_in("submitted_at", params)), "submitted_at")
    closed = per_week(base.filter(_in("closed_at", params)), "closed_at")
    done = per_week(base.filter(completed_q(params)), "closed_at")
    backlog = base.filter(
        Q(submitted_at__lt=params.start_at) & (Q(closed_at__isnull=True) | Q(closed_at__gte=params.start_at))
    ).count()
    weeks = []
    monday = params.start - datetime.timedelta(days=params.start.weekday())
    while monday <= params.end:
        s, c = submitted.get(monday, 0), closed.get(monday, 0)
        backlog += s - c
        weeks.append({"week": monday, "submitted": s, "completed": done.get(monday, 0), "backlog": backlog})
        monday += datetime.timedelta(days=7)
    return weeks


def _day(value) -> datetime.date:
    """SQLite returns the date as text, PostgreSQL as a date."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def lead_time_distribution(params: ReportParams, source: str = LIVE) -> list[dict]:
    days = lead_time(source)
    aggregates = {}
    for low, high in LEAD_TIME_BUCKETS:
        condition = Q(_d__gte=low) & (Q(_d__lt=high) if high else Q())
        aggregates[f"b{low}"] = Count("pk", filter=condition)
    row = completed(params, source).annotate(_d=days).aggregate(**aggregates)
    return [{"low": low, "high": high, "count": row[f"b{low}"]} for low, high in LEAD_TIME_BUCKETS]


def source_parts(params: ReportParams, source: str = FACTS) -> dict:
    """The parts of ``build`` that read bookings, as callables (build runs them; so does the profiler)."""
    return {
        "summary": lambda: summary(params, source),
        "stages": lambda: stages(params, source),
        "breakdowns": lambda: breakdowns(params, source),
        "weekly": lambda: weekly(params, source),
        "distribution": lambda: lead_time_distribution(params, source),
    }


def build(params: ReportParams, source: str = FACTS) -> dict:
    """Everything the report page and the exports show, from the roll-up (``"facts"``) or the bookings
    and events themselves (``"live"``, the reference). Reading the facts refreshes the bookings changed
    since the last refresh first (reports.rollup.refresh_dirty), so the report is exact at read time."""
    if source == FACTS:
        rollup.refresh_dirty()
    surveys = SurveyResponse.objects.filter(
        booking__in=scope(params).values("pk"), created_at__gte=params.start_at, created_at__lt=params.end_at
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The distinct counts and grouped percentiles sort up to a year of bookings: in memory, not on disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '32MB'")
        parts = {name: part() for name, part in source_parts(params, source).items()}
    return {
        "params": params,
        **parts,
        "ikm": ikm(surveys),
        "ikm_by_service": ikm_by(surveys, "booking__service__name"),
        "intake": intake_summary(params),
    }


VISIT_BREAKDOWNS = {
    "purpose": "purpose",
    "district": "district__name",
    "gender": "gender",
    "first_visit": "is_first_visit",
}


def _visits(params: ReportParams):
    qs = Visit.objects.filter(visited_at__gte=params.start_at, visited_at__lt=params.end_at)
    if params.district_id:
        qs = qs.filter(district_id=params.district_id)
    if params.staff_id:
        qs = qs.filter(staff_id=params.staff_id)
    if params.channel:
        qs = qs.filter(channel=params.channel)
    return qs


def intake_summary(params: ReportParams) -> dict:
    """Guest book, accounts and turnover figures of the period (a handful of aggregate queries)."""
    visits = _visits(params)
    consultation = ~Q(purpose=Visit.Purpose.COLLECT)
    totals = visits.aggregate(
        visits=Count("pk"), consultations=Count("pk", filter=consultation),
        converted=Count("pk", filter=consultation & Q(booking__isnull=False)),
        first_time=Count("pk", filter=Q(is_first_visit=True)), minutes=Sum("duration_minutes", default=0),
    )
    labels = {
        "purpose": dict(Visit.Purpose.choices), "gender": dict(Business.Gender.choices),
        "first_visit": {True: _("First visit"), False: _("Returning")},
    }
    by = {}
    for name, field in VISIT_BREAKDOWNS.items():
        rows = visits.values(field).annotate(
            n=Count("pk"), consultations=Count("pk", filter=consultation)
        ).order_by("-n", field)
        by[name] = [
            {"label": labels.get(name, {}).get(row[field], row[field]) if row[field] not in (None, "") else _("Not stated"),
             "visits": row["n"], "consultations": row["consultations"]}
            for row in rows
        ]
    owners_submitting = scope(params).filter(_in("submitted_at", params)).values("business__owner")
    without_account = User.objects.filter(pk__in=owners_submitting, is_claimed=False).count()
    entered = AccountEvent.objects.filter(
        action=AccountEvent.Action.CREATED_BY_STAFF, created_at__gte=params.start_at, created_at__lt=params.end_at
    ).values("user")
    claims = User.objects.filter(pk__in=entered).aggregate(entered=Count("pk"), claimed=Count("pk", filter=Q(is_claimed=True)))
    order = {value: index for index, value in enumerate(Business.TurnoverBand.values)}
    change = {"up": 0, "same": 0, "down": 0, "answered": 0}
    surveys = SurveyResponse.objects.filter(
        booking__in=scope(params).values("pk"), created_at__gte=params.start_at, created_at__lt=params.end_at,
    ).exclude(turnover_band="")
    for now, before in surveys.values_list("turnover_band", "turnover_band_before"):  # one row per survey, few
        change["answered"] += 1
        if before in order and now in order:
            key = "up" if order[now] > order[before] else "down" if order[now] < order[before] else "same"
            change[key] += 1
    compared = change["up"] + change["same"] + change["down"]
    return {
        **totals,
        "by": by,
        "without_account": without_account,
        "entered_by_staff": claims["entered"],
        "claimed": claims["claimed"],
        "claim_rate": claims["claimed"] / claims["entered"] if claims["entered"] else None,
        "turnover": {**change, "compared": compared, "up_rate": change["up"] / compared if compared else None},
    }

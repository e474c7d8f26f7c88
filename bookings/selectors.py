"""Reads that feed booking pages: querysets with what their templates need already joined."""
from django.db.models import Count, F, FilteredRelation, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import office_users
from accounts.services import export_row
from bookings.models import Booking, BookingEvent, Proof, ReferenceFile, Service
from bookings.workflow import ACTIVE, TERMINAL, WAITING_FOR_OWNER, WITH_OFFICE, Status


def visible_bookings(user):
    """Bookings a user may see: an owner their own, the office all of them."""
    return Booking.objects.visible_to(user)


def bookings_for_list(user):
    return visible_bookings(user).select_related("business", "product", "service").order_by("-submitted_at", "-id")


def booking_for_detail(user, code: str) -> Booking:
    qs = visible_bookings(user).select_related("business__district", "business__owner", "product", "service", "survey")
    qs = qs.prefetch_related(
        Prefetch("events", queryset=BookingEvent.objects.select_related("actor").order_by("created_at", "id")),
        "reference_files",
        Prefetch("proofs", queryset=Proof.objects.select_related("uploaded_by", "decided_by").order_by("-version")),
        "product__documents",
        "business__documents",
    )
    return get_object_or_404(qs, code=code)


def reference_file_for_user(user, public_id) -> ReferenceFile:
    qs = ReferenceFile.objects.visible_to(user).select_related("booking__business")
    return get_object_or_404(qs, public_id=public_id)


def proof_for_user(user, public_id) -> Proof:
    qs = Proof.objects.visible_to(user).select_related("booking__business")
    return get_object_or_404(qs, public_id=public_id)


def active_services():
    return Service.objects.filter(is_active=True).order_by("sort_order", "name")


# --- Office pages -------------------------------------------------------------------------------

BOARD_CARDS_PER_COLUMN = 6
TODAY_LIST_LENGTH = 20


def office_bookings():
    return Booking.objects.select_related("business__district", "product", "service", "assignee")


def first_rows(queryset, order: tuple[str, ...], limit: int) -> list[Booking]:
    """The first ``limit`` bookings of ``queryset`` in ``order``, with what cards show joined.

    The limit is applied to the bookings alone (an id subquery the index serves) before the joins:
    given the whole join, PostgreSQL prefers hashing every business and product to sorting a few rows.
    """
    ids = queryset.order_by(*order).values("pk")[:limit]
    return list(office_bookings().filter(pk__in=ids).order_by(*order))


def board(filtered):
    """A column per active state: its count and its first cards.

    Three queries whatever the data: one aggregate for all counts (``Count(filter=)``), the ids of the
    first cards of every column, ranked per state by a window function over the bookings alone, and
    those bookings with what cards show. (Given the window and the joins in one statement, PostgreSQL
    hashes every business and product; apart, each step reads a few rows.)
    """
    columns = [s for s in Status if s not in TERMINAL]
    open_ = filtered.filter(status__in=columns)
    counts = open_.aggregate(**{s.value: Count("pk", filter=Q(status=s)) for s in columns})
    order = [F("priority").desc(), F("submitted_at").asc(), F("id").asc()]
    first_ids = list(
        open_.annotate(rank=Window(RowNumber(), partition_by=F("status"), order_by=order))
        .filter(rank__lte=BOARD_CARDS_PER_COLUMN)
        .values_list("pk", flat=True)
    )
    cards: dict[str, list] = {s.value: [] for s in columns}
    for booking in office_bookings().filter(pk__in=first_ids).order_by(*order):
        cards[booking.status].append(booking)
    return [
        {"status": s, "count": counts[s.value], "cards": cards[s.value], "takes_bulk_verify": s == Status.SUBMITTED}
        for s in columns
    ]


def today(day):
    """Due today, overdue against the estimate, and waiting for the owner: counts and the first rows.

    Four queries whatever the data: one aggregate for the three counts, one bounded list each.
    Statuses are listed explicitly (no NOT IN), so the planner uses the (status, estimated_finish) index.
    """
    lists = {
        "due": (Booking.objects.filter(status__in=WITH_OFFICE, estimated_finish=day), ("service_id", "code")),
        "overdue": (Booking.objects.filter(status__in=WITH_OFFICE, estimated_finish__lt=day), ("estimated_finish", "code")),
        "waiting": (Booking.objects.filter(status__in=WAITING_FOR_OWNER), ("updated_at", "id")),
    }
    counts = Booking.objects.filter(status__in=ACTIVE).aggregate(
        due=Count("pk", filter=Q(status__in=WITH_OFFICE, estimated_finish=day)),
        overdue=Count("pk", filter=Q(status__in=WITH_OFFICE, estimated_finish__lt=day)),
        waiting=Count("pk", filter=Q(status__in=WAITING_FOR_OWNER)),
    )
    return {
        name: {"rows": first_rows(qs, order, TODAY_LIST_LENGTH), "count": counts[name]}
        for name, (qs, order) in lists.items()
    }


def workload():
    """Active requests per staff member, and how many of them are overdue.

    The join itself is limited to active bookings (FilteredRelation), so it reads the index on
    (assignee, status) instead of every booking a staff member ever handled.
    """
    today_ = timezone.localdate()
    return office_users().annotate(
        open_bookings=FilteredRelation("assigned_bookings", condition=Q(assigned_bookings__status__in=ACTIVE)),
        active=Count("open_bookings"),
        overdue=Count("open_bookings", filter=Q(open_bookings__estimated_finish__lt=today_)),
    )


def requests_for_export(user) -> list[dict]:
    """An owner's requests with their histories, for the data export (accounts.services.user_data_export)."""
    return [
        export_row(b) | {"events": [export_row(e) for e in b.events.all()]}
        for b in Booking.objects.filter(business__owner=user).prefetch_related("events")
    ]

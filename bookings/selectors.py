"""Reads that feed booking pages: querysets with what their templates need already joined."""
import uuid

from django.db.models import Count, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import office_users
from accounts.services import export_row
from bookings.models import Booking, BookingEvent, Proof, ReferenceFile, Service
from bookings.workflow import (
    ACTIVE, BOARD_GROUPS, PRINTABLE_DESIGN, TERMINAL, WAITING_FOR_OWNER, WITH_OFFICE, Status, WorkflowKind,
)


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


def board_groups(columns: list[dict], picked: str | None = None) -> tuple[list[dict], str]:
    """The board's columns in the five stages of the work (see BOARD_GROUPS), and the state shown on a
    phone: ``picked`` when it is an active state, else the first state with requests."""
    by_status = {c["status"].value: c for c in columns}
    if picked not in by_status:
        picked = next((c["status"].value for c in columns if c["count"]), columns[0]["status"].value)
    groups = [
        {"label": label, "columns": [by_status[s] for s in states], "count": sum(by_status[s]["count"] for s in states)}
        for label, states in BOARD_GROUPS
    ]
    return groups, picked


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


def owner_to_do(user):
    """The owner's requests waiting for them (a design to review, data to complete, goods to collect),
    the longest waiting first, with the time they started waiting and the office's last note.

    One query: the moment and the note come from subqueries on the events of the current status.
    """
    latest = BookingEvent.objects.filter(booking=OuterRef("pk"), to_status=OuterRef("status")).order_by("-created_at", "-id")
    return (
        bookings_for_list(user)
        .filter(status__in=WAITING_FOR_OWNER)
        .annotate(waiting_since=Subquery(latest.values("created_at")[:1]), office_note=Subquery(latest.values("note")[:1]))
        .order_by("updated_at", "id")
    )


def ready_since(booking: Booking):
    """When a request that is ready for collection became ready (None otherwise); reads the
    prefetched history when the page has it, else one small query."""
    if booking.status != Status.READY:
        return None
    if hasattr(booking, "ready_at"):  # annotated (bookings.tracking)
        return booking.ready_at
    cached = getattr(booking, "_prefetched_objects_cache", {}).get("events")
    if cached is not None:
        return max((e.created_at for e in cached if e.to_status == Status.READY), default=None)
    return booking.events.filter(to_status=Status.READY).order_by("-created_at").values_list("created_at", flat=True).first()


def product_choice(products, public_id):
    """One of the owner's products (the choice list's queryset) by its public id, or None."""
    try:
        return products.filter(public_id=uuid.UUID(str(public_id))).first()
    except ValueError:
        return None


def design_to_print(user, code):
    """The owner's design-only request ``code`` once its design is approved (to print it), or None."""
    if not code:
        return None
    return (
        bookings_for_list(user)
        .filter(code=code, business__owner=user, service__workflow=WorkflowKind.DESIGN_ONLY, status__in=PRINTABLE_DESIGN)
        .first()
    )


def print_services(services):
    return services.filter(workflow=WorkflowKind.PRINT_ONLY)


def requests_for_export(user) -> list[dict]:
    """An owner's requests with their histories, for the data export (accounts.services.user_data_export)."""
    return [
        export_row(b) | {"events": [export_row(e, exclude=["note"] if e.note_for_office_only else []) for e in b.events.all()]}
        for b in Booking.objects.filter(business__owner=user).prefetch_related("events")
    ]

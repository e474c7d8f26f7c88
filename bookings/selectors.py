"""Reads that feed booking pages: querysets with what their templates need already joined."""
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from bookings.models import Booking, BookingEvent, Proof, Service


def visible_bookings(user):
    """Bookings a user may see: an owner their own, the office all of them."""
    qs = Booking.objects.all()
    if not user.is_office:
        qs = qs.filter(business__owner=user)
    return qs


def bookings_for_list(user):
    return visible_bookings(user).select_related("business", "product", "service").order_by("-submitted_at", "-id")


def booking_for_detail(user, code: str) -> Booking:
    qs = visible_bookings(user).select_related("business__district", "business__owner", "product", "service")
    qs = qs.prefetch_related(
        Prefetch("events", queryset=BookingEvent.objects.select_related("actor").order_by("created_at", "id")),
        "reference_files",
        Prefetch("proofs", queryset=Proof.objects.select_related("uploaded_by", "decided_by").order_by("-version")),
        "product__documents",
        "business__documents",
    )
    return get_object_or_404(qs, code=code)


def active_services():
    return Service.objects.filter(is_active=True).order_by("sort_order", "name")


# --- Office pages -------------------------------------------------------------------------------

BOARD_CARDS_PER_COLUMN = 6
TODAY_LIST_LENGTH = 20


def office_bookings():
    return Booking.objects.select_related("business__district", "product", "service", "assignee")


def board(filtered):
    """A column per active state: its count and its first cards.

    Two queries whatever the data: one aggregate for all counts (``Count(filter=)``), and one for
    the first cards of every column, ranked per state with a window function.
    """
    from django.db.models import Count, F, Q, Window
    from django.db.models.functions import RowNumber

    from bookings.workflow import TERMINAL, Status

    columns = [s for s in Status if s not in TERMINAL]
    counts = filtered.aggregate(**{s.value: Count("pk", filter=Q(status=s)) for s in columns})
    ranked = (
        filtered.filter(status__in=columns)
        .select_related("business__district", "product", "service", "assignee")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("status"),
                order_by=[F("priority").desc(), F("queue_position").asc(nulls_last=True), F("submitted_at").asc(), F("id").asc()],
            )
        )
        .filter(rank__lte=BOARD_CARDS_PER_COLUMN)
        .order_by("status", "rank")
    )
    cards: dict[str, list] = {s.value: [] for s in columns}
    for booking in ranked:
        cards[booking.status].append(booking)
    return [{"status": s, "count": counts[s.value], "cards": cards[s.value]} for s in columns]


def today(day):
    """Due today, overdue against the estimate, and waiting for the owner: counts and the first rows.

    Four queries whatever the data: one aggregate for the three counts, one bounded list each.
    """
    from django.db.models import Count, Q

    from bookings.workflow import ACTIVE, WAITING_FOR_OWNER

    active = office_bookings().filter(status__in=ACTIVE)
    working = active.exclude(status__in=WAITING_FOR_OWNER)
    lists = {
        "due": working.filter(estimated_finish=day).order_by("service__sort_order", "code"),
        "overdue": working.filter(estimated_finish__lt=day).order_by("estimated_finish", "code"),
        "waiting": active.filter(status__in=WAITING_FOR_OWNER).order_by("updated_at"),
    }
    counts = Booking.objects.filter(status__in=ACTIVE).aggregate(
        due=Count("pk", filter=Q(estimated_finish=day) & ~Q(status__in=WAITING_FOR_OWNER)),
        overdue=Count("pk", filter=Q(estimated_finish__lt=day) & ~Q(status__in=WAITING_FOR_OWNER)),
        waiting=Count("pk", filter=Q(status__in=WAITING_FOR_OWNER)),
    )
    return {name: {"rows": list(qs[:TODAY_LIST_LENGTH]), "count": counts[name]} for name, qs in lists.items()}


def workload():
    """Active requests per staff member, and how many of them are overdue.

    The join itself is limited to active bookings (FilteredRelation), so it reads the index on
    (assignee, status) instead of every booking a staff member ever handled.
    """
    from django.db.models import Count, FilteredRelation, Q
    from django.utils import timezone

    from bookings.filters import office_users
    from bookings.workflow import ACTIVE

    today_ = timezone.localdate()
    return office_users().annotate(
        open_bookings=FilteredRelation("assigned_bookings", condition=Q(assigned_bookings__status__in=ACTIVE)),
        active=Count("open_bookings"),
        overdue=Count("open_bookings", filter=Q(open_bookings__estimated_finish__lt=today_)),
    )

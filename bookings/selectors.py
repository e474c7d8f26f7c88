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

BOARD_CARDS_PER_COLUMN = 12


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
    """Due today, overdue against the estimate, and waiting for the owner (each a bounded list)."""
    from bookings.workflow import ACTIVE, WAITING_FOR_OWNER

    active = office_bookings().filter(status__in=ACTIVE)
    return {
        "due": list(active.filter(estimated_finish=day).exclude(status__in=WAITING_FOR_OWNER).order_by("service__sort_order", "code")[:100]),
        "overdue": list(active.filter(estimated_finish__lt=day).exclude(status__in=WAITING_FOR_OWNER).order_by("estimated_finish", "code")[:100]),
        "waiting": list(active.filter(status__in=WAITING_FOR_OWNER).order_by("updated_at")[:100]),
    }


def workload():
    """Active requests per staff member, and how many of them are overdue."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from bookings.filters import office_users
    from bookings.workflow import ACTIVE

    today_ = timezone.localdate()
    return office_users().annotate(
        active=Count("assigned_bookings", filter=Q(assigned_bookings__status__in=ACTIVE)),
        overdue=Count(
            "assigned_bookings",
            filter=Q(assigned_bookings__status__in=ACTIVE, assigned_bookings__estimated_finish__lt=today_),
        ),
    )

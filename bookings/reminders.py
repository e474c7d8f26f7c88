"""Reminders (run by beat, see CELERY_BEAT_SCHEDULE) and the staff's morning digest.

A proof awaiting approval for more than PROOF_DAYS working days, and goods ready but not collected
after PICKUP_DAYS, get one reminder each time the booking enters that state.
"""
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from bookings.calendar import holidays_from, subtract_working_days
from bookings.models import Booking, BookingEvent
from bookings.selectors import today as today_lists
from bookings.workflow import Status
from notifications.models import Notification
from notifications.services import notify

PROOF_DAYS = 2
PICKUP_DAYS = 3
REMINDERS = [
    (Status.AWAITING_APPROVAL, PROOF_DAYS, Notification.Kind.PROOF_REMINDER),
    (Status.READY, PICKUP_DAYS, Notification.Kind.PICKUP_REMINDER),
]


def due_reminders(status: str, days: int, kind: str, *, today: datetime.date):
    """Bookings in ``status`` since before ``days`` working days ago, not yet reminded since."""
    cutoff_day = subtract_working_days(today, days, holidays_from(today - datetime.timedelta(days=30)))
    cutoff = timezone.make_aware(datetime.datetime.combine(cutoff_day, datetime.time.min))
    reminded = Notification.objects.filter(
        about_type=ContentType.objects.get_for_model(Booking), about_id=OuterRef("pk"), kind=kind,
        created_at__gte=OuterRef("entered"),
    )
    entered = BookingEvent.objects.filter(booking=OuterRef("pk"), to_status=status).order_by("-created_at").values("created_at")[:1]
    return (
        Booking.objects.filter(status=status)
        .annotate(entered=Subquery(entered))
        .filter(entered__lt=cutoff)
        .exclude(Exists(reminded))
        .select_related("business__owner", "service")
    )


def send_reminders(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for status, days, kind in REMINDERS:
        for booking in due_reminders(status, days, kind, today=today):
            with transaction.atomic():
                path = booking.get_absolute_url()
                notify(recipient=booking.business.owner, kind=kind, context={}, about=booking, link=path)
            sent += 1
    return sent


def send_staff_digest(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    lists = today_lists(today)
    context = {
        "day": today,
        "new": Booking.objects.filter(status=Status.SUBMITTED).count(),
        "due": lists["due"]["count"],
        "overdue": lists["overdue"]["count"],
        "waiting": lists["waiting"]["count"],
    }
    staff = User.objects.filter(groups__name=Role.STAFF, is_active=True)
    with transaction.atomic():
        for person in staff:
            notify(recipient=person, kind=Notification.Kind.STAFF_DIGEST, context=context, link="/petugas/hari-ini/")
    return len(staff)

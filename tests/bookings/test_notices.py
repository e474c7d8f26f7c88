import datetime

from django.utils import timezone

from bookings.models import Booking, BookingEvent, Service
from bookings.queue import recompute
from bookings.reminders import send_reminders, send_staff_digest
from bookings.services import booking_submit, booking_transition, booking_verify
from notifications.models import Channel, Notification

MONDAY = datetime.date(2026, 11, 30)


def kinds(user):
    return list(Notification.objects.filter(recipient=user, channel=Channel.IN_APP).order_by("id").values_list("kind", flat=True))


def queued(owner, product, staff, service):
    booking = booking_submit(actor=owner, product=product, service=service, quantity=1)
    return booking_verify(booking=booking, actor=staff, override_reason="uji")


def test_reaching_position_three_is_announced_once(owner, staff, product):
    design = Service.objects.get(slug="desain-kemasan")
    bookings = [queued(owner, product, staff, design) for _ in range(5)]
    recompute(design.pk, today=MONDAY)
    near = Notification.objects.filter(kind="queue_near", channel=Channel.IN_APP)
    assert set(near.values_list("about_id", flat=True)) == {b.pk for b in bookings[:3]}
    booking_transition(booking=bookings[0], actor=staff, name="start_design")
    recompute(design.pk, today=MONDAY)  # the fourth moves up to position 3
    assert set(near.values_list("about_id", flat=True)) == {b.pk for b in bookings[:4]}
    recompute(design.pk, today=MONDAY)  # nothing moved: nothing new
    assert near.count() == 4


def test_a_slip_of_a_working_day_is_announced(owner, staff, product):
    design = Service.objects.get(slug="desain-kemasan")
    booking = queued(owner, product, staff, design)
    recompute(design.pk, today=MONDAY)
    recompute(design.pk, today=MONDAY + datetime.timedelta(days=1))  # a day later, nothing done: slips a day
    slipped = Notification.objects.get(kind="estimate_slipped", channel=Channel.IN_APP, booking=booking)
    assert booking.code in slipped.subject


def test_staff_hear_of_completed_data_and_revision_requests(owner, staff, product, pouch):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    booking_transition(booking=booking, actor=staff, name="ask_info", note="Lengkapi P-IRT")
    booking_transition(booking=booking, actor=owner, name="resubmit")
    assert kinds(staff) == ["staff_new_request", "staff_data_completed"]
    assert kinds(owner) == ["booking_status"]  # ask_info, with the note
    assert "Lengkapi P-IRT" in Notification.objects.get(recipient=owner, channel=Channel.IN_APP).body


def test_proof_reminder_after_two_working_days_once(owner, staff, product):
    design = Service.objects.get(slug="desain-kemasan")
    booking = queued(owner, product, staff, design)
    Booking.objects.filter(pk=booking.pk).update(status="menunggu_persetujuan")
    BookingEvent.objects.create(
        booking=booking, action="send_proof", from_status="desain", to_status="menunggu_persetujuan",
        created_at=timezone.make_aware(datetime.datetime(2026, 11, 25, 10)),  # a Wednesday
    )
    assert send_reminders(today=datetime.date(2026, 11, 27)) == 0  # Friday: 2 working days, not more
    assert send_reminders(today=MONDAY) == 1
    assert send_reminders(today=MONDAY) == 0
    assert kinds(owner).count("proof_reminder") == 1


def test_morning_digest_reaches_staff(owner, staff, product, pouch):
    booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    assert send_staff_digest(today=MONDAY) == 1
    digest = Notification.objects.get(recipient=staff, kind="staff_digest", channel=Channel.IN_APP)
    # Two new requests, nothing due, overdue or waiting: each number in its place.
    assert "Permohonan baru untuk diverifikasi: 2. Jatuh tempo hari ini: 0. Terlambat: 0." in digest.body
    assert "Menunggu pemilik: 0." in digest.body

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bookings.services import booking_submit, booking_transition, booking_verify
from notifications import services
from notifications.models import Channel, Notification
from notifications.services import backoff
from notifications.tasks import deliver_notification


def submit(owner, product, service, **kwargs):
    return booking_submit(actor=owner, product=product, service=service, quantity=100, **kwargs)


def test_submit_notifies_staff_in_the_same_transaction(owner, staff, product, pouch, django_capture_on_commit_callbacks):
    staff.email = "petugas@example.org"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking = submit(owner, product, pouch)
    rows = Notification.objects.filter(recipient=staff, booking=booking)
    assert set(rows.values_list("channel", "kind")) == {(Channel.IN_APP, "staff_new_request"), (Channel.EMAIL, "staff_new_request")}
    assert callbacks  # delivery was handed over only after commit
    assert rows.get(channel=Channel.EMAIL).status == Notification.Status.SENT
    assert mail.outbox[0].to == ["petugas@example.org"] and booking.code in mail.outbox[0].subject


def test_outbox_rows_roll_back_with_the_change(owner, staff, product, pouch):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            submit(owner, product, pouch)
            raise RuntimeError("boom")
    assert not Notification.objects.exists()


def test_owner_hears_of_each_office_transition_in_their_language(owner, staff, product, pouch, django_capture_on_commit_callbacks):
    owner.language = "en"
    owner.save()
    booking = submit(owner, product, pouch)
    with django_capture_on_commit_callbacks(execute=True):
        booking_verify(booking=booking, actor=staff, override_reason="uji")
    subjects = list(Notification.objects.filter(recipient=owner, kind="booking_status").values_list("subject", flat=True))
    assert subjects == [f"Request {booking.code}: Verified"]


def test_owner_is_not_told_of_their_own_cancel(owner, product, pouch):
    booking = submit(owner, product, pouch)
    booking_transition(booking=booking, actor=owner, name="cancel", note="Tidak jadi")
    assert not Notification.objects.filter(recipient=owner).exists()


def test_whatsapp_goes_to_the_gateway_with_the_token(whatsapp_owner, staff, product, pouch, fake_gateway, django_capture_on_commit_callbacks):
    gateway = fake_gateway()
    booking = submit(whatsapp_owner, product, pouch)
    with django_capture_on_commit_callbacks(execute=True):
        booking_verify(booking=booking, actor=staff, override_reason="uji")
    # The verification, then the queue position (number 1: work starts soon), each once.
    assert len(gateway.received) == 2
    assert all(m["to"] == whatsapp_owner.phone and m["auth"] == "Bearer rahasia" for m in gateway.received)
    assert [booking.code in m["message"] for m in gateway.received] == [True, True]
    assert set(Notification.objects.filter(channel=Channel.WHATSAPP).values_list("kind", "status")) == {
        ("booking_status", "sent"), ("queue_near", "sent")
    }


def test_gateway_failing_twice_then_succeeding_sends_one_message(whatsapp_owner, product, pouch, fake_gateway):
    gateway = fake_gateway(failures=2)
    with transaction.atomic():
        note = services.notify(recipient=whatsapp_owner, kind="proof_reminder", context={"link": "x"},
                               about=submit(whatsapp_owner, product, pouch), channels_=[Channel.WHATSAPP])[0]
    deliver_notification.delay(note.pk)  # eager: the retries run at once
    note.refresh_from_db()
    assert (note.status, note.attempts, len(gateway.received), gateway.attempts) == ("sent", 3, 1, 3)


def test_permanent_failure_is_recorded_and_falls_back_to_email(whatsapp_owner, product, pouch, fake_gateway, django_capture_on_commit_callbacks):
    fake_gateway(failures=99, status=400)
    with django_capture_on_commit_callbacks(execute=True):
        booking = submit(whatsapp_owner, product, pouch)
        note = services.notify(recipient=whatsapp_owner, kind="proof_reminder", context={"link": "x"}, about=booking,
                               channels_=[Channel.WHATSAPP])[0]
    note.refresh_from_db()
    assert note.status == "failed" and "400" in note.last_error
    fallback = Notification.objects.get(recipient=whatsapp_owner, kind="proof_reminder", channel=Channel.EMAIL)
    assert fallback.status == "sent" and mail.outbox[-1].to == ["ina@example.org"]


def test_the_same_task_twice_sends_once(whatsapp_owner, product, pouch, fake_gateway):
    gateway = fake_gateway()
    with transaction.atomic():
        note = services.notify(recipient=whatsapp_owner, kind="proof_reminder", context={"link": "x"},
                               about=submit(whatsapp_owner, product, pouch), channels_=[Channel.WHATSAPP])[0]
    assert services.deliver(note.pk) == "sent"
    assert services.deliver(note.pk) == "skipped"
    assert len(gateway.received) == 1


def test_retries_give_up_and_mark_failed(whatsapp_owner, product, pouch, fake_gateway, settings):
    fake_gateway(failures=99)
    with transaction.atomic():
        note = services.notify(recipient=whatsapp_owner, kind="proof_reminder", context={"link": "x"},
                               about=submit(whatsapp_owner, product, pouch), channels_=[Channel.WHATSAPP])[0]
    deliver_notification.delay(note.pk)
    note.refresh_from_db()
    assert note.status == "failed" and note.attempts == settings.RK_NOTIFY_MAX_ATTEMPTS
    assert "503" in note.last_error


def test_backoff_is_exponential_with_a_cap(settings):
    settings.RK_NOTIFY_RETRY_BASE, settings.RK_NOTIFY_RETRY_MAX = 10, 300
    assert [backoff(n) for n in range(7)] == [10, 20, 40, 80, 160, 300, 300]


def test_dispatch_pending_sends_what_no_task_picked_up(owner, product, pouch, settings):
    owner.email = "ina@example.org"
    owner.save()
    with transaction.atomic():
        note = services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"},
                               about=submit(owner, product, pouch), channels_=[Channel.EMAIL])[0]
    assert services.dispatch_pending() == 0  # published after commit: not due again before RK_NOTIFY_REQUEUE_AFTER
    Notification.objects.filter(pk=note.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.dispatch_pending() == 1
    note.refresh_from_db()
    assert note.status == "sent" and len(mail.outbox) == 1
    assert services.dispatch_pending() == 0


def test_inbox_unread_count_and_opening_marks_read(client, owner, staff, product, pouch):
    booking = submit(owner, product, pouch)
    booking_verify(booking=booking, actor=staff, override_reason="uji")
    client.force_login(owner)
    page = client.get(reverse("notifications:inbox"))
    assert page.context["unread_notifications"] == 1
    note = Notification.objects.get(recipient=owner, channel=Channel.IN_APP)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == booking.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405  # no state change over GET


def test_another_persons_notification_is_404(client, owner, other_owner, staff, product, pouch):
    booking_verify(booking=submit(owner, product, pouch), actor=staff, override_reason="uji")
    client.force_login(other_owner)
    note = Notification.objects.get(recipient=owner, channel=Channel.IN_APP)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404


def test_whatsapp_needs_opt_in_consent_which_is_recorded(client, owner):
    client.force_login(owner)
    data = {"name": "Ina", "phone": "081234567890", "email": "", "language": "id", "notify_whatsapp": "on"}
    client.post(reverse("accounts:profile"), data)
    owner.refresh_from_db()
    assert owner.notify_whatsapp and owner.whatsapp_consent_at
    assert Channel.WHATSAPP in services.channels_for(owner)
    client.post(reverse("accounts:profile"), {**data, "notify_whatsapp": ""})
    owner.refresh_from_db()
    assert owner.whatsapp_consent_at is None and Channel.WHATSAPP not in services.channels_for(owner)


def test_cleanup_removes_old_read_in_app_messages(owner, staff, product, pouch):
    booking_verify(booking=submit(owner, product, pouch), actor=staff, override_reason="uji")
    old = Notification.objects.filter(channel=Channel.IN_APP)
    count = old.count()
    assert count >= 1
    old.update(read_at=timezone.now() - datetime.timedelta(days=200))
    services.notify(recipient=owner, kind="proof_reminder", context={"link": "x"})  # unread: stays
    assert services.cleanup_read(days=90) == count
    assert Notification.objects.filter(channel=Channel.IN_APP).count() == 1

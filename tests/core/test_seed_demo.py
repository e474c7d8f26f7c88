import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Business, User
from bookings.models import Booking, Proof
from outreach.models import OutreachTrip


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_is_idempotent_and_makes_one_account_per_role(db, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    counts = (User.objects.count(), Business.objects.count(), Booking.objects.count(), Proof.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert (User.objects.count(), Business.objects.count(), Booking.objects.count(), Proof.objects.count()) == counts
    roles = {u.username: sorted(u.roles) for u in User.objects.all()}
    assert roles == {"pemilik": ["owner"], "petugas": ["staff"], "admin": ["admin"], "kepala": ["manager"],
                     "bendahara": ["treasurer"]}
    assert User.objects.get(username="pemilik").check_password("rumahkemasan")
    assert Booking.objects.filter(status="menunggu_persetujuan").exists()
    trip = OutreachTrip.objects.get()  # one trip, not two after the second run
    assert trip.starts_on > timezone.localdate() and list(trip.team.all()) == [User.objects.get(username="petugas")]


def test_seed_demo_generates_bookings_up_to_a_total(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", bookings=30)
    call_command("seed_demo", bookings=30)
    assert Booking.objects.filter(business__owner__username__startswith="demo-owner-").count() == 30
    assert all(b.events.exists() for b in Booking.objects.all()[:30])

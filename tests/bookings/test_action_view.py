"""The one action URL (`bookings:action`) against every transition and role: only what the table allows."""
import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.services import booking_submit
from bookings.workflow import TRANSITIONS
from tests.factories import UserFactory

OFFICE_ONLY = [name for name, t in TRANSITIONS.items() if "owner" not in t.roles]
# The source state each office transition is tried from (one where the table allows it).
SOURCE = {
    "verify": "diajukan", "reject": "diajukan", "ask_info": "diajukan", "enqueue": "diverifikasi",
    "start_design": "dalam_antrean", "send_proof": "desain", "start_production": "disetujui",
    "start_production_direct": "dalam_antrean", "finish_production": "produksi", "deliver_design": "disetujui",
    "hand_over": "siap_diambil", "complete_consultation": "dalam_antrean", "cancel_by_office": "produksi",
}
SERVICE = {"start_production_direct": "sablon", "deliver_design": "desain-kemasan", "complete_consultation": "konsultasi-kemasan"}


def test_every_office_transition_has_a_source_here():
    assert sorted(OFFICE_ONLY) == sorted(SOURCE)


@pytest.fixture
def booking_at(owner, product):
    from bookings.models import Service

    def make(name):
        service = Service.objects.get(slug=SERVICE.get(name, "kemasan-standing-pouch"))
        booking = booking_submit(actor=owner, product=product, service=service, quantity=max(100, service.minimum_order))
        Booking.objects.filter(pk=booking.pk).update(status=SOURCE[name])
        return booking

    return make


def post(client, booking, name):
    return client.post(reverse("bookings:action", kwargs={"code": booking.code, "action": name}), {"note": "Alasan"})


@pytest.mark.parametrize("name", OFFICE_ONLY)
@pytest.mark.parametrize("who", ["owner", "manager"])
def test_owner_and_head_of_office_cannot_fire_office_transitions(client, owner, manager, booking_at, name, who):
    booking = booking_at(name)
    client.force_login(owner if who == "owner" else manager)
    response = post(client, booking, name)
    assert response.status_code == 302
    saved = Booking.objects.get(pk=booking.pk)
    assert saved.status == SOURCE[name]
    assert list(saved.events.values_list("action", flat=True)) == ["submit"]


@pytest.mark.parametrize("name", ["reject", "ask_info", "enqueue", "start_design", "cancel_by_office"])
def test_staff_and_a_superuser_fire_them(client, staff, booking_at, name):
    root = UserFactory(is_superuser=True)
    root.groups.clear()
    for actor in (staff, root):
        booking = booking_at(name)
        client.force_login(actor)
        post(client, booking, name)
        saved = Booking.objects.get(pk=booking.pk)
        assert saved.status == TRANSITIONS[name].target
        assert saved.events.last().actor == actor


def test_another_owner_gets_404_and_an_unknown_action_404(client, other_owner, owner, booking_at):
    booking = booking_at("reject")
    client.force_login(other_owner)
    assert post(client, booking, "cancel").status_code == 404
    client.force_login(owner)
    assert post(client, booking, "fly").status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "diajukan"


def test_a_note_is_required_before_anything_happens(client, staff, booking_at):
    booking = booking_at("reject")
    client.force_login(staff)
    client.post(reverse("bookings:action", kwargs={"code": booking.code, "action": "reject"}), {"note": ""})
    assert Booking.objects.get(pk=booking.pk).status == "diajukan"


def test_special_transitions_cannot_be_posted_here(client, staff, booking_at):
    booking = booking_at("hand_over")
    client.force_login(staff)
    post(client, booking, "hand_over")
    saved = Booking.objects.get(pk=booking.pk)
    assert (saved.status, saved.handover_method) == ("siap_diambil", "")


def test_owner_cancels_their_own_request_through_the_page(client, owner, booking_at):
    booking = booking_at("reject")
    client.force_login(owner)
    post(client, booking, "cancel")
    assert Booking.objects.get(pk=booking.pk).status == "dibatalkan"


def test_the_detail_page_offers_the_actions_of_the_role(client, owner, staff, manager, booking_at):
    booking = booking_at("reject")
    client.force_login(staff)
    offered = [a.name for a in client.get(booking.get_absolute_url()).context["actions"]]
    assert offered == ["reject", "ask_info", "cancel_by_office"]  # verify has its own form
    client.force_login(owner)
    assert [a.name for a in client.get(booking.get_absolute_url()).context["actions"]] == ["cancel"]
    client.force_login(manager)
    assert client.get(booking.get_absolute_url()).context["actions"] == []

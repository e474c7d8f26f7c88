"""What bookings.services promises its callers and the apps above it: values returned, defaults,
messages, the hooks of bookings.hooks called at their points (payments and materials join there;
here small recording hooks take their place), and who may submit for whom. Rows are reloaded."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bookings import hooks
from bookings.models import Booking, Proof
from bookings.services import (
    booking_assign,
    booking_finish_production,
    booking_hand_over,
    booking_set_priority,
    booking_transition,
    booking_verify,
    proof_approve,
    proof_request_revision,
    proof_send,
)
from bookings.workflow import TransitionError
from tests.booking_helpers import ALL_TICKED, proof_file, reloaded, submit
from tests.factories import DocumentFactory

@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def at_status(booking, status):
    Booking.objects.filter(pk=booking.pk).update(status=status)
    return Booking.objects.get(pk=booking.pk)


class Calls(list):
    """A hook that records its arguments (a stand-in for payments' or materials' own hook)."""

    def __init__(self, result=None):
        super().__init__()
        self.result = result

    def __call__(self, booking, *args):
        self.append((booking.pk, *args))
        return self.result(booking) if callable(self.result) else self.result


# --- what the services return and store by default ------------------------------------------------------


def test_each_service_returns_the_booking_as_saved(owner, staff, product):
    booking = submit(owner, product)
    assert reloaded(booking).notes == ""  # no notes given: none stored
    asked = booking_transition(booking=booking, actor=staff, name="ask_info", note="Lengkapi")
    assert asked.status == reloaded(booking).status == "perlu_dilengkapi"
    back = booking_transition(booking=booking, actor=owner, name="resubmit")
    assert back.status == "diajukan" and back.events.get(action="resubmit").note == ""
    prioritised = booking_set_priority(booking=booking, actor=staff, priority=2, reason="Pameran")
    assert prioritised.priority == 2
    assert booking_set_priority(booking=booking, actor=staff, priority=2, reason="lagi").priority == 2  # unchanged
    assigned = booking_assign(booking=booking, actor=staff, assignee=staff)
    assert assigned.assignee == staff
    assert booking_assign(booking=booking, actor=staff, assignee=staff).assignee == staff  # unchanged
    produced = booking_finish_production(booking=at_status(booking, "produksi"), actor=staff, quantity_produced=5)
    assert (produced.status, produced.quantity_produced) == ("siap_diambil", 5)
    handed = booking_hand_over(booking=booking, actor=staff, method="owner")
    assert handed.status == "selesai" and handed.handed_over_at is not None


def test_priority_needs_a_reason_even_when_none_is_given(owner, staff, product):
    booking = submit(owner, product)
    for reason in ("", None):
        with pytest.raises(TransitionError) as error:
            booking_set_priority(booking=booking, actor=staff, priority=1, reason=reason)
        assert error.value.message == "Please fill in: Reason for the priority."
    assert reloaded(booking).priority == 0


@pytest.fixture
def in_design(owner, staff, product):
    booking = booking_verify(booking=submit(owner, product, "desain-kemasan", quantity=1), actor=staff)
    return booking_transition(booking=booking, actor=staff, name="start_design")


def test_proof_events_name_the_version_and_carry_no_invented_text(owner, staff, in_design):
    proof = proof_send(booking=in_design, actor=staff, file=proof_file())
    assert Proof.objects.get(pk=proof.pk).note == ""
    sent = reloaded(in_design).events.get(action="send_proof")
    assert (sent.data, sent.note) == ({"proof": 1}, "")
    for comment in ("", None):
        with pytest.raises(TransitionError):
            proof_request_revision(booking=in_design, actor=owner, comment=comment)
    proof_approve(booking=in_design, actor=owner, checklist=dict(ALL_TICKED))
    approved = reloaded(in_design).events.get(action="approve")
    assert (approved.data, approved.note) == ({"proof": 1}, "")


def test_a_refused_proof_leaves_no_file_behind(owner, settings, in_design):
    with pytest.raises(TransitionError):
        proof_send(booking=in_design, actor=owner, file=proof_file())
    media = settings.MEDIA_ROOT
    assert not Proof.objects.exists()
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_approving_or_revising_out_of_turn_names_the_state(owner, in_design):
    for act in (
        lambda: proof_approve(booking=in_design, actor=owner, checklist=dict(ALL_TICKED)),
        lambda: proof_request_revision(booking=in_design, actor=owner, comment="Warna"),
    ):
        with pytest.raises(TransitionError) as error:
            act()
        assert error.value.message == "This action is not possible while the request is “In design”."


def test_the_unticked_checklist_items_are_listed(owner, staff, in_design):
    proof_send(booking=in_design, actor=staff, file=proof_file())
    with pytest.raises(TransitionError) as error:
        proof_approve(booking=in_design, actor=owner, checklist={**ALL_TICKED, "spelling": False, "colours": False})
    assert error.value.message == (
        "Please confirm every item before approving: The spelling of every text is correct; "
        "The colours and logo are as I want them."
    )


def test_the_missing_documents_are_listed(owner, staff, product):
    booking = submit(owner, product)
    with pytest.raises(TransitionError) as error:
        booking_verify(booking=booking, actor=staff)
    assert error.value.message == (
        "Documents required by this service are missing: SPP-IRT / P-IRT (home industry food permit) / BPOM "
        "MD/ML registration; Halal certificate. Ask the owner to complete them, or give a reason to override."
    )


# --- the hooks ------------------------------------------------------------------------------------------


def test_verify_checks_block_without_a_reason_and_are_recorded_with_one(monkeypatch, owner, staff, product):
    DocumentFactory(business=product.business, product=product, kind="pirt", number="206327101012329")
    DocumentFactory(business=product.business, product=product, kind="halal", number="ID31110000123450123")
    quota = Calls(result=["Quota used up.", "Second check failed."])
    after = Calls()
    monkeypatch.setattr(hooks, "verify_checks", [quota])
    monkeypatch.setattr(hooks, "verified", [after])
    booking = submit(owner, product)
    with pytest.raises(TransitionError) as error:
        booking_verify(booking=booking, actor=staff)
    assert error.value.message == "Quota used up. Second check failed. Give a reason to override."
    assert reloaded(booking).status == "diajukan" and after == []
    booking_verify(booking=booking, actor=staff, override_reason=" Kuota tambahan ")
    verify = reloaded(booking).events.get(action="verify")
    assert verify.data == {"override": "Kuota tambahan", "problems": ["Quota used up.", "Second check failed."]}
    assert verify.note == "Kuota tambahan"
    assert after == [(booking.pk, staff, "Kuota tambahan")]


def test_verified_hooks_hear_the_override_only_when_one_was_needed(monkeypatch, owner, staff, product):
    after = Calls()
    monkeypatch.setattr(hooks, "verify_checks", [])
    monkeypatch.setattr(hooks, "verified", [after])
    gated = submit(owner, product)  # P-IRT and halal missing
    booking_verify(booking=gated, actor=staff, override_reason="Izin diproses")
    verify = reloaded(gated).events.get(action="verify")
    assert verify.data["override"] == "Izin diproses" and len(verify.data["missing"]) == 2
    free = submit(owner, product, "sablon", quantity=50)  # no documents needed
    booking_verify(booking=free, actor=staff, override_reason="tidak perlu")
    assert reloaded(free).events.get(action="verify").note == ""
    assert after == [(gated.pk, staff, "Izin diproses"), (free.pk, staff, "")]


def test_production_gates_and_reservations_run_on_entering_production_only(monkeypatch, owner, staff, product):
    gate = Calls(result=lambda booking: "Down payment not received." if booking.quantity == 99 else None)
    quiet = Calls()
    reserve = Calls()
    monkeypatch.setattr(hooks, "production_gates", [quiet, gate])
    monkeypatch.setattr(hooks, "entering_production", [reserve])
    booking = at_status(submit(owner, product), "disetujui")
    Booking.objects.filter(pk=booking.pk).update(quantity=99)
    with pytest.raises(TransitionError) as error:
        booking_transition(booking=booking, actor=staff, name="start_production")
    assert error.value.message == "Down payment not received."
    assert reloaded(booking).status == "disetujui" and reserve == []
    Booking.objects.filter(pk=booking.pk).update(quantity=200)
    booking_transition(booking=booking, actor=staff, name="start_production")
    assert reserve == [(booking.pk, staff)]
    other = submit(owner, product)
    booking_transition(booking=other, actor=staff, name="ask_info", note="x")  # not production: no gate asked
    assert [pk for pk, in gate] == [booking.pk, booking.pk]
    assert reserve == [(booking.pk, staff)]


def test_a_reservation_hook_may_refuse_production(monkeypatch, owner, staff, product):
    def short(booking, actor):
        raise TransitionError("Materials short.")

    monkeypatch.setattr(hooks, "production_gates", [])
    monkeypatch.setattr(hooks, "entering_production", [short])
    booking = at_status(submit(owner, product), "disetujui")
    with pytest.raises(TransitionError) as error:
        booking_transition(booking=booking, actor=staff, name="start_production")
    assert error.value.message == "Materials short."
    assert reloaded(booking).status == "disetujui"


def test_finished_and_closed_hooks_hear_of_their_moves_only(monkeypatch, owner, staff, product):
    consumed, closed = Calls(), Calls()
    monkeypatch.setattr(hooks, "production_finished", [consumed])
    monkeypatch.setattr(hooks, "closed", [closed])
    produced = at_status(submit(owner, product), "produksi")
    booking_finish_production(booking=produced, actor=staff, quantity_produced=200)
    booking_hand_over(booking=produced, actor=staff, method="owner")  # done, but not closed early
    cancelled = submit(owner, product)
    booking_transition(booking=cancelled, actor=owner, name="cancel", note="Tidak jadi")
    rejected = submit(owner, product)
    booking_transition(booking=rejected, actor=staff, name="reject", note="Bukan pangan")
    assert consumed == [(produced.pk, staff)]
    assert closed == [(cancelled.pk, owner, "dibatalkan"), (rejected.pk, staff, "ditolak")]


def test_every_transition_schedules_the_queue_after_commit(owner, staff, product, django_capture_on_commit_callbacks):
    first, second = (booking_verify(booking=submit(owner, product, "desain-kemasan", quantity=1), actor=staff)
                     for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        booking_transition(booking=first, actor=staff, name="start_design")
    assert (reloaded(first).queue_position, reloaded(second).queue_position) == (None, 1)


# --- who submits for whom, and print requests following a design ---------------------------------------


def test_staff_enter_requests_for_owners_on_other_channels(owner, staff, product):
    booking = submit(staff, product, channel="counter")
    saved = reloaded(booking)
    assert (saved.channel, saved.created_by, saved.entered_by) == ("counter", owner, staff)
    online = submit(owner, product)
    assert (reloaded(online).created_by, reloaded(online).entered_by) == (owner, owner)
    for actor, channel, field in [(owner, "counter", "channel"), (staff, "online", "product"), (staff, "pigeon", "channel")]:
        with pytest.raises(ValidationError) as error:
            submit(actor, product, channel=channel)
        assert list(error.value.message_dict) == [field]
    assert Booking.objects.count() == 2


def approved_design(owner, staff, product):
    booking = booking_verify(booking=submit(owner, product, "desain-kemasan", quantity=1), actor=staff)
    return at_status(booking, "disetujui")


def test_a_print_request_follows_an_approved_design_of_the_same_product(owner, staff, product):
    from tests.factories import ProductFactory

    design = approved_design(owner, staff, product)
    printing = submit(owner, product, "cetak-label-stiker", quantity=100, follows=design)
    assert printing.events.get(action="submit").data["follows"] == design.code
    requested = design.events.get(action="print_requested")
    assert (requested.data, requested.from_status, requested.to_status, requested.actor) == (
        {"code": printing.code}, "disetujui", "disetujui", owner,
    )
    other_product = ProductFactory(business=product.business)
    unapproved = booking_verify(booking=submit(owner, product, "desain-kemasan", quantity=1), actor=staff)
    full = at_status(submit(owner, product), "disetujui")  # design and production in one: nothing to follow
    for follows, prod, slug, field in [
        (design, other_product, "cetak-label-stiker", "product"),
        (design, product, "kemasan-standing-pouch", "service"),
        (unapproved, product, "cetak-label-stiker", "service"),
        (full, product, "cetak-label-stiker", "service"),
    ]:
        with pytest.raises(ValidationError) as error:
            submit(owner, prod, slug, quantity=100, follows=follows)
        assert list(error.value.message_dict) == [field]
    assert Booking.objects.filter(service__slug="cetak-label-stiker").count() == 1

"""Every kind of service walked through the services, and the guards of each service, asserted on
rows reloaded from the database (what was saved, not what the object in memory says)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from bookings.calendar import add_working_days, holidays_from
from bookings.models import Booking, Proof, Service
from bookings.services import (
    booking_assign,
    booking_finish_production,
    booking_hand_over,
    booking_set_priority,
    booking_submit,
    booking_transition,
    booking_verify,
    bookings_bulk_verify,
    estimate_cost,
    proof_approve,
    proof_request_revision,
    proof_send,
)
from bookings.workflow import TransitionError
from tests.booking_helpers import ALL_TICKED, proof_file, reloaded, service, submit
from tests.conftest import image_bytes
from tests.factories import DocumentFactory, ProductFactory, UserFactory

@pytest.fixture(autouse=True)
def _english():
    """Services build their messages when they raise: read them in English here."""
    with translation.override("en"):
        yield


def queued(owner, staff, product, slug="kemasan-standing-pouch", quantity=200):
    return booking_verify(booking=submit(owner, product, slug, quantity), actor=staff, override_reason="uji")




def actions(booking):
    return list(booking.events.order_by("created_at", "id").values_list("action", flat=True))


def at_status(booking, status):
    Booking.objects.filter(pk=booking.pk).update(status=status)
    return reloaded(booking)


# --- whole paths ------------------------------------------------------------------------------------


def test_print_only_service_goes_from_queue_to_production_without_design(owner, staff, product):
    from payments.models import PaymentRule

    # The path alone: no down payment in the way (tests/payments covers that gate).
    PaymentRule.objects.filter(service__slug="sablon").update(payee="free", start_rule="free")
    booking = queued(owner, staff, product, "sablon", quantity=60)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=staff, name="start_design")
    booking_transition(booking=booking, actor=staff, name="start_production_direct")
    booking_finish_production(booking=booking, actor=staff, quantity_produced=61)
    booking_hand_over(booking=booking, actor=staff, method="owner")
    saved = reloaded(booking)
    assert saved.status == "selesai"
    assert saved.quantity_produced == 61
    assert saved.closed_at is not None and saved.handed_over_at is not None
    assert saved.queue_position is None
    assert actions(saved) == ["submit", "verify", "enqueue", "start_production_direct", "finish_production", "hand_over"]


def test_design_only_service_delivers_the_design_without_production(owner, staff, product):
    booking = queued(owner, staff, product, "desain-kemasan", quantity=1)
    booking_transition(booking=booking, actor=staff, name="start_design")
    proof_send(booking=booking, actor=staff, file=proof_file(), note=" Versi 1 ")
    with pytest.raises(TransitionError):
        booking_transition(booking=reloaded(booking), actor=staff, name="start_production")
    proof = proof_approve(booking=booking, actor=owner, checklist=dict(ALL_TICKED))
    with pytest.raises(TransitionError):
        booking_finish_production(booking=booking, actor=staff, quantity_produced=1)
    booking_transition(booking=booking, actor=staff, name="deliver_design")
    booking_hand_over(booking=booking, actor=staff, method="owner")
    saved = reloaded(booking)
    assert saved.status == "selesai" and saved.closed_at is not None
    assert saved.quantity_produced is None
    stored = Proof.objects.get(pk=proof.pk)
    assert stored.note == "Versi 1"
    assert stored.checklist == ALL_TICKED
    assert (stored.decision, stored.decided_by, stored.version) == ("approved", owner, 1)
    assert stored.decided_at is not None
    assert actions(saved) == [
        "submit", "verify", "enqueue", "start_design", "send_proof", "approve", "deliver_design", "hand_over",
    ]


def test_consultation_is_held_straight_from_the_queue(owner, staff, product):
    booking = queued(owner, staff, product, "konsultasi-kemasan", quantity=1)
    booking_transition(booking=booking, actor=staff, name="complete_consultation")
    saved = reloaded(booking)
    assert (saved.status, saved.estimated_cost, saved.unit_price) == ("selesai", 0, 0)
    assert saved.closed_at is not None


def test_verify_saves_its_time_the_due_date_and_joins_the_queue(owner, staff, product, pouch):
    before = timezone.now()
    booking = queued(owner, staff, product)
    saved = reloaded(booking)
    today = timezone.localdate()
    assert saved.status == "dalam_antrean"
    assert before <= saved.verified_at <= timezone.now()
    assert saved.due_date == add_working_days(today, pouch.lead_time_days, holidays_from(today))
    assert saved.closed_at is None
    verify, enqueue = saved.events.filter(action__in=["verify", "enqueue"]).order_by("id")
    assert (verify.from_status, verify.to_status, verify.actor, verify.note) == ("diajukan", "diverifikasi", staff, "uji")
    assert (enqueue.from_status, enqueue.to_status, enqueue.actor) == ("diverifikasi", "dalam_antrean", None)


def test_verify_with_every_document_needs_no_reason_and_records_no_override(owner, staff, product, pouch):
    DocumentFactory(business=product.business, product=product, kind="pirt", number="206327101012329")
    DocumentFactory(business=product.business, product=product, kind="halal", number="ID31110000123450123")
    booking = booking_verify(booking=submit(owner, product), actor=staff)
    verify = reloaded(booking).events.get(action="verify")
    assert (verify.data, verify.note) == ({}, "")


def test_bulk_verify_reports_each_request(owner, staff, product):
    ready = submit(owner, product, "sablon", quantity=50)
    gated = submit(owner, product)  # the pouch needs a P-IRT and halal
    done, refused = bookings_bulk_verify(codes=[ready.code, gated.code, "RK-0000-99999"], actor=staff)
    assert done == [ready.code]
    assert list(refused) == [gated.code] and "P-IRT" in refused[gated.code]
    assert reloaded(ready).status == "dalam_antrean" and reloaded(gated).status == "diajukan"


def test_submit_refuses_an_inactive_service_and_stores_nothing(owner, product, pouch):
    Service.objects.filter(pk=pouch.pk).update(is_active=False)
    with pytest.raises(ValidationError) as error:
        booking_submit(actor=owner, product=product, service=service("kemasan-standing-pouch"), quantity=200)
    assert list(error.value.message_dict) == ["service"]
    assert not Booking.objects.exists()


def test_minimum_order_is_accepted_exactly(owner, product, pouch):
    assert estimate_cost(service=pouch, quantity=100) == 250_000
    with pytest.raises(ValidationError) as error:
        estimate_cost(service=pouch, quantity=99)
    with translation.override("en"):
        assert error.value.message_dict["quantity"] == ["The minimum order for Kemasan standing pouch is 100."]


def test_submit_stores_price_notes_and_reference_files(owner, product, pouch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import clean_image_or_pdf

    ref = clean_image_or_pdf(SimpleUploadedFile("contoh.png", image_bytes("PNG"), "image/png"))
    ref = type(ref)(content=ref.content, extension=ref.extension, original_name="x" * 200)
    booking = booking_submit(
        actor=owner, product=product, service=pouch, quantity=150, notes="Warna hijau",
        desired_date=datetime.date(2027, 1, 4), reference_files=[ref],
    )
    saved = reloaded(booking)
    assert (saved.unit_price, saved.estimated_cost, saved.notes) == (2500, 375_000, "Warna hijau")
    assert saved.desired_date == datetime.date(2027, 1, 4)
    assert (saved.created_by, saved.business, saved.product) == (owner, product.business, product)
    assert saved.submitted_at is not None and saved.verified_at is None
    assert list(saved.reference_files.values_list("original_name", flat=True)) == ["x" * 150]
    assert saved.events.get().data == {"quantity": 150, "estimated_cost": 375_000}


# --- transitions from every source state ---------------------------------------------------------------


@pytest.mark.parametrize("source", ["diajukan", "perlu_dilengkapi", "diverifikasi"])
def test_reject_from_every_source_state_closes_the_request(owner, staff, product, source):
    booking = at_status(submit(owner, product), source)
    Booking.objects.filter(pk=booking.pk).update(queue_position=4)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=staff, name="reject", note="   ")
    booking_transition(booking=booking, actor=staff, name="reject", note=" Bukan produk pangan ")
    saved = reloaded(booking)
    assert (saved.status, saved.queue_position) == ("ditolak", None)
    assert saved.closed_at is not None
    event = saved.events.get(action="reject")
    assert (event.from_status, event.to_status, event.note, event.actor) == (source, "ditolak", "Bukan produk pangan", staff)


@pytest.mark.parametrize("source", ["dalam_antrean", "desain", "menunggu_persetujuan", "produksi", "selesai"])
def test_reject_is_refused_once_work_has_begun(owner, staff, product, source):
    booking = at_status(submit(owner, product), source)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=staff, name="reject", note="x")
    assert reloaded(booking).status == source


@pytest.mark.parametrize("source", ["diajukan", "diverifikasi", "dalam_antrean", "desain"])
def test_ask_info_from_every_source_state_waits_for_the_owner(owner, staff, product, source):
    booking = at_status(submit(owner, product), source)
    booking_transition(booking=booking, actor=staff, name="ask_info", note="Lengkapi P-IRT")
    saved = reloaded(booking)
    assert saved.status == "perlu_dilengkapi" and saved.closed_at is None
    event = saved.events.get(action="ask_info")
    assert (event.from_status, event.note) == (source, "Lengkapi P-IRT")


@pytest.mark.parametrize("source", ["perlu_dilengkapi", "menunggu_persetujuan", "revisi", "produksi"])
def test_ask_info_is_refused_elsewhere(owner, staff, product, source):
    booking = at_status(submit(owner, product), source)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=staff, name="ask_info", note="x")
    assert reloaded(booking).status == source


@pytest.mark.parametrize(
    "source",
    ["diajukan", "perlu_dilengkapi", "diverifikasi", "dalam_antrean", "desain", "menunggu_persetujuan", "revisi", "disetujui"],
)
def test_owner_may_cancel_before_production(owner, product, source):
    booking = at_status(submit(owner, product), source)
    booking_transition(booking=booking, actor=owner, name="cancel", note="Tidak jadi")
    saved = reloaded(booking)
    assert saved.status == "dibatalkan" and saved.closed_at is not None


@pytest.mark.parametrize("source", ["produksi", "siap_diambil", "selesai", "ditolak"])
def test_owner_may_not_cancel_from_production_on(owner, product, source):
    booking = at_status(submit(owner, product), source)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=owner, name="cancel", note="Tidak jadi")
    saved = reloaded(booking)
    assert saved.status == source and saved.closed_at is None


def test_office_cancel_in_production_needs_a_reason_and_closes(owner, staff, product):
    booking = at_status(submit(owner, product), "produksi")
    with pytest.raises(TransitionError) as error:
        booking_transition(booking=booking, actor=staff, name="cancel_by_office", note="")
    with translation.override("en"):
        assert error.value.message == "Please fill in: Reason for cancelling."
    assert reloaded(booking).status == "produksi"
    booking_transition(booking=booking, actor=staff, name="cancel_by_office", note="Bahan habis")
    saved = reloaded(booking)
    assert (saved.status, saved.events.last().action) == ("dibatalkan", "cancel_by_office")
    assert saved.closed_at is not None


def test_resubmit_returns_the_request_to_the_office(owner, staff, product):
    booking = submit(owner, product)
    booking_transition(booking=booking, actor=staff, name="ask_info", note="Lengkapi")
    booking_transition(booking=booking, actor=owner, name="resubmit")
    assert reloaded(booking).status == "diajukan"


@pytest.mark.parametrize(
    "name, status",
    [
        ("verify", "diajukan"),
        ("send_proof", "desain"),
        ("approve", "menunggu_persetujuan"),
        ("request_revision", "menunggu_persetujuan"),
        ("finish_production", "produksi"),
        ("hand_over", "siap_diambil"),
    ],
)
def test_special_transitions_need_their_own_service(owner, staff, product, name, status):
    booking = at_status(submit(owner, product), status)
    actor = owner if name in ("approve", "request_revision") else staff
    with pytest.raises(TransitionError) as error:
        booking_transition(booking=booking, actor=actor, name=name, note="x")
    with translation.override("en"):
        assert error.value.message == "This action needs its own form."
    assert reloaded(booking).status == status


def test_an_unknown_action_is_refused(owner, staff, product):
    booking = submit(owner, product)
    with pytest.raises(TransitionError):
        booking_transition(booking=booking, actor=staff, name="teleport")
    assert reloaded(booking).status == "diajukan"


# --- proofs ---------------------------------------------------------------------------------------------


@pytest.fixture
def in_design(owner, staff, product):
    booking = queued(owner, staff, product, "desain-kemasan", quantity=1)
    booking_transition(booking=booking, actor=staff, name="start_design")
    return booking


def test_proofs_are_numbered_and_revisions_counted(owner, staff, in_design):
    first = proof_send(booking=in_design, actor=staff, file=proof_file())
    revision = proof_request_revision(booking=in_design, actor=owner, comment=" Logo lebih besar ")
    assert revision.pk == first.pk
    second = proof_send(booking=in_design, actor=staff, file=proof_file())
    proof_request_revision(booking=in_design, actor=owner, comment="Warna")
    assert (first.version, second.version) == (1, 2)
    stored = Proof.objects.get(pk=first.pk)
    assert (stored.decision, stored.comment, stored.decided_by) == ("revision", "Logo lebih besar", owner)
    assert stored.decided_at is not None
    rounds = [e.data for e in reloaded(in_design).events.filter(action="request_revision").order_by("id")]
    assert rounds == [{"proof": 1, "round": 1}, {"proof": 2, "round": 2}]
    assert reloaded(in_design).status == "revisi"


@pytest.mark.parametrize("checklist", [{}, {**ALL_TICKED, "colours": False}, {"spelling": True}])
def test_approval_needs_every_checklist_item(owner, staff, in_design, checklist):
    proof = proof_send(booking=in_design, actor=staff, file=proof_file())
    with pytest.raises(TransitionError) as error:
        proof_approve(booking=in_design, actor=owner, checklist=checklist)
    with translation.override("en"):
        assert "The colours and logo are as I want them" in error.value.message
    stored = Proof.objects.get(pk=proof.pk)
    assert (stored.decision, stored.checklist) == ("pending", {})
    assert reloaded(in_design).status == "menunggu_persetujuan"


def test_only_the_owner_approves_or_asks_for_a_revision(owner, other_owner, staff, in_design):
    proof_send(booking=in_design, actor=staff, file=proof_file())
    for actor in (other_owner, staff):
        with pytest.raises(TransitionError):
            proof_approve(booking=in_design, actor=actor, checklist=dict(ALL_TICKED))
        with pytest.raises(TransitionError):
            proof_request_revision(booking=in_design, actor=actor, comment="x")
    assert reloaded(in_design).status == "menunggu_persetujuan"


def test_a_revision_needs_a_comment(owner, staff, in_design):
    proof_send(booking=in_design, actor=staff, file=proof_file())
    with pytest.raises(TransitionError):
        proof_request_revision(booking=in_design, actor=owner, comment="   ")
    assert Proof.objects.get().decision == "pending"


def test_approval_without_a_pending_proof_is_refused(owner, in_design):
    Booking.objects.filter(pk=in_design.pk).update(status="menunggu_persetujuan")
    with pytest.raises(TransitionError) as error:
        proof_approve(booking=in_design, actor=owner, checklist=dict(ALL_TICKED))
    with translation.override("en"):
        assert error.value.message == "There is no proof awaiting approval."


def test_only_the_office_sends_proofs(owner, in_design):
    with pytest.raises(TransitionError):
        proof_send(booking=in_design, actor=owner, file=proof_file())
    assert not Proof.objects.exists()


# --- guards on priority, assignment, production and hand-over ----------------------------------------


def test_priority_is_for_the_office_with_a_reason_on_open_requests(owner, staff, manager, product):
    booking = queued(owner, staff, product)
    for actor in (owner, manager):
        with pytest.raises(TransitionError):
            booking_set_priority(booking=booking, actor=actor, priority=2, reason="x")
    with pytest.raises(TransitionError):
        booking_set_priority(booking=booking, actor=staff, priority=2, reason="  ")
    assert reloaded(booking).priority == 0
    booking_set_priority(booking=booking, actor=staff, priority=0, reason="sama")  # no change: no event
    assert not booking.events.filter(action="priority").exists()
    booking_set_priority(booking=booking, actor=staff, priority=-1, reason=" Menunggu bahan ")
    saved = reloaded(booking)
    assert saved.priority == -1
    event = saved.events.get(action="priority")
    assert (event.note, event.data, event.from_status, event.to_status) == (
        "Menunggu bahan", {"from": 0, "to": -1}, "dalam_antrean", "dalam_antrean",
    )
    Booking.objects.filter(pk=booking.pk).update(status="selesai")
    with pytest.raises(TransitionError):
        booking_set_priority(booking=booking, actor=staff, priority=3, reason="x")
    assert reloaded(booking).priority == -1


def test_a_priority_change_recomputes_the_queue_by_itself(owner, staff, product, django_capture_on_commit_callbacks):
    design = service("desain-kemasan")
    with django_capture_on_commit_callbacks(execute=True):
        first, second = (queued(owner, staff, product, "desain-kemasan", quantity=1) for _ in range(2))
    assert [reloaded(b).queue_position for b in (first, second)] == [1, 2]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking_set_priority(booking=second, actor=staff, priority=1, reason="Pameran")
    assert callbacks  # the recompute was scheduled by the service, not by the test
    assert [reloaded(b).queue_position for b in (first, second)] == [2, 1]
    assert design.pk == reloaded(first).service_id


def test_assignment_is_between_office_people_and_recorded(owner, staff, admin_user, manager, product):
    booking = submit(owner, product)
    with pytest.raises(TransitionError):
        booking_assign(booking=booking, actor=owner, assignee=staff)
    with pytest.raises(TransitionError):
        booking_assign(booking=booking, actor=manager, assignee=staff)
    with pytest.raises(TransitionError):
        booking_assign(booking=booking, actor=staff, assignee=owner)
    assert reloaded(booking).assignee is None
    booking_assign(booking=booking, actor=staff, assignee=admin_user)
    booking_assign(booking=booking, actor=staff, assignee=admin_user)  # the same: nothing new
    booking_assign(booking=booking, actor=admin_user, assignee=None)
    assert reloaded(booking).assignee is None
    events = list(booking.events.filter(action="assign").order_by("id"))
    assert [e.data for e in events] == [{"assignee": admin_user.pk, "name": str(admin_user)}, {"assignee": None, "name": ""}]
    assert [e.actor for e in events] == [staff, admin_user]


@pytest.mark.parametrize("quantity", [None, 0, -5])
def test_finishing_production_needs_a_quantity_of_at_least_one(owner, staff, product, quantity):
    booking = at_status(submit(owner, product), "produksi")
    with pytest.raises(TransitionError):
        booking_finish_production(booking=booking, actor=staff, quantity_produced=quantity)
    saved = reloaded(booking)
    assert (saved.status, saved.quantity_produced) == ("produksi", None)
    booking_finish_production(booking=booking, actor=staff, quantity_produced=1)
    saved = reloaded(booking)
    assert (saved.status, saved.quantity_produced) == ("siap_diambil", 1)
    assert saved.events.last().data == {"quantity_produced": 1}


@pytest.mark.parametrize(
    "given, errors",
    [
        ({"method": "drone"}, ["method"]),
        ({"method": "proxy"}, ["collected_by"]),
        ({"method": "courier"}, ["collected_by", "courier_receipt"]),
        ({"method": "courier", "collected_by": "JNE"}, ["courier_receipt"]),
        ({"method": "courier", "courier_receipt": "JN1"}, ["collected_by"]),
    ],
)
def test_hand_over_names_who_collected(owner, staff, product, given, errors):
    booking = at_status(submit(owner, product), "siap_diambil")
    with pytest.raises(ValidationError) as error:
        booking_hand_over(booking=booking, actor=staff, **given)
    assert sorted(error.value.message_dict) == errors
    saved = reloaded(booking)
    assert (saved.status, saved.handover_method, saved.handed_over_at) == ("siap_diambil", "", None)


def test_hand_over_to_the_owner_records_the_owner_and_no_receipt(owner, staff, product):
    booking = at_status(submit(owner, product), "siap_diambil")
    booking_hand_over(booking=booking, actor=staff, method="owner", courier_receipt="ignored")
    saved = reloaded(booking)
    assert (saved.handover_method, saved.collected_by, saved.courier_receipt) == ("owner", product.business.owner_name, "")
    assert saved.status == "selesai" and saved.handed_over_at is not None and saved.closed_at is not None
    assert saved.events.last().data == {"method": "owner", "collected_by": product.business.owner_name, "courier_receipt": ""}


def test_hand_over_to_a_proxy_and_to_a_courier(owner, staff, product):
    proxy = at_status(submit(owner, product), "siap_diambil")
    booking_hand_over(booking=proxy, actor=staff, method="proxy", collected_by=" Ibu Sari ", courier_receipt="JN9")
    saved = reloaded(proxy)
    assert (saved.handover_method, saved.collected_by, saved.courier_receipt) == ("proxy", "Ibu Sari", "")
    courier = at_status(submit(owner, product), "siap_diambil")
    booking_hand_over(booking=courier, actor=staff, method="courier", collected_by="JNE Ambon", courier_receipt=" JN123 ")
    saved = reloaded(courier)
    assert (saved.handover_method, saved.collected_by, saved.courier_receipt) == ("courier", "JNE Ambon", "JN123")


def test_hand_over_is_for_the_office_and_from_ready_only(owner, staff, product):
    booking = at_status(submit(owner, product), "produksi")
    with pytest.raises(TransitionError):
        booking_hand_over(booking=booking, actor=staff, method="owner")
    Booking.objects.filter(pk=booking.pk).update(status="siap_diambil")
    with pytest.raises(TransitionError):
        booking_hand_over(booking=booking, actor=owner, method="owner")
    saved = reloaded(booking)
    assert (saved.status, saved.handover_method) == ("siap_diambil", "")


def test_superuser_without_a_role_acts_as_admin(owner, product):
    root = UserFactory(role="owner", is_superuser=True)
    root.groups.clear()
    booking = submit(owner, product, "sablon", quantity=50)
    booking_verify(booking=booking, actor=root)
    booking_assign(booking=booking, actor=root, assignee=root)
    saved = reloaded(booking)
    assert (saved.status, saved.assignee) == ("dalam_antrean", root)


def test_another_owners_product_cannot_be_booked(owner, pouch):
    with pytest.raises(ValidationError) as error:
        booking_submit(actor=owner, product=ProductFactory(), service=pouch, quantity=200)
    assert list(error.value.message_dict) == ["product"]

"""A staff member takes a request from `diajukan` to `selesai` through the pages, with a revision round."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings.models import Booking, Proof
from bookings.proofs import APPROVAL_CHECKLIST
from bookings.services import booking_submit
from bookings.workflow import Status
from tests.conftest import image_bytes
from tests.factories import DocumentFactory, UserFactory


def url(name, booking, **kwargs):
    return reverse(f"bookings:{name}", kwargs={"code": booking.code, **kwargs})


def test_request_goes_from_submitted_to_done_with_a_revision(client, owner, staff, product, pouch, django_capture_on_commit_callbacks):
    DocumentFactory(business=product.business, product=product, kind="pirt", number="206327101012329")
    DocumentFactory(business=product.business, product=product, kind="halal", number="ID31110000123450123")
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=300)

    def as_staff(method, path, data=None):
        client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data or {})

    def as_owner(method, path, data=None):
        client.force_login(owner)
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data or {})

    # The board shows it among new requests; staff verify it in bulk and it joins the queue at position 1.
    board = as_staff("get", reverse("bookings:board"))
    assert booking.code in board.content.decode()
    as_staff("post", reverse("bookings:bulk_verify"), {"codes": [booking.code]})
    booking.refresh_from_db()
    assert booking.status == Status.QUEUED and booking.queue_position == 1 and booking.estimated_finish

    # The owner sees position and date on the booking and on the tracking link.
    page = as_owner("get", booking.get_absolute_url()).content.decode()
    assert "Nomor antrean" in page and "Dalam antrean" in page

    as_staff("post", url("assign", booking), {"claim": "1"})
    as_staff("post", url("action", booking, action="start_design"))
    booking.refresh_from_db()
    assert booking.status == Status.DESIGN and booking.assignee == staff and booking.queue_position is None

    # Proof v1 → the owner asks for a revision.
    as_staff("post", url("send_proof", booking), {"file": SimpleUploadedFile("v1.png", image_bytes("PNG"), "image/png"), "note": "Versi awal"})
    review = as_owner("get", url("proof_decide", booking, decision="setujui"))
    assert review.status_code == 200 and "0 dari 2" in review.content.decode()
    as_owner("post", url("proof_decide", booking, decision="revisi"), {"comment": "Logo diperbesar"})
    booking.refresh_from_db()
    assert booking.status == Status.REVISION

    # Proof v2 → approval needs every checklist item.
    as_staff("post", url("send_proof", booking), {"file": SimpleUploadedFile("v2.png", image_bytes("PNG"), "image/png")})
    partial = {key: "on" for key, _label in APPROVAL_CHECKLIST[:-1]}
    response = as_owner("post", url("proof_decide", booking, decision="setujui"), partial)
    assert response.status_code == 200 and "colours" in response.context["approval_form"].errors
    as_owner("post", url("proof_decide", booking, decision="setujui"), {key: "on" for key, _l in APPROVAL_CHECKLIST})
    booking.refresh_from_db()
    assert booking.status == Status.APPROVED
    v1, v2 = Proof.objects.filter(booking=booking).order_by("version")
    assert (v1.decision, v1.comment) == ("revision", "Logo diperbesar")
    assert v2.decision == "approved" and all(v2.checklist.values()) and v2.decided_at

    # The price: production is refused until the owner accepts the quotation and half is paid (the
    # pouch is paid to the partner cooperative, 50 % down payment); the treasurer takes it at the counter.
    as_staff("post", url("action", booking, action="start_production"))
    booking.refresh_from_db()
    assert booking.status == Status.APPROVED
    as_owner("post", reverse("payments:quotation_accept", kwargs={"code": booking.code}))
    client.force_login(UserFactory(role="treasurer"))
    receipt = client.post(reverse("payments:pay", kwargs={"code": booking.code}), {"method": "cash", "amount": "375000"})
    assert receipt.status_code == 302 and "/bayar/kuitansi/" in receipt.url
    as_staff("post", url("action", booking, action="start_production"))
    as_staff("post", url("finish_production", booking), {"quantity_produced": "310"})
    booking.refresh_from_db()
    assert (booking.status, booking.quantity_produced) == (Status.READY, 310)

    # Printable work order with the QR code and the approved proof.
    order = as_staff("get", url("work_order", booking)).content.decode()
    assert "<svg" in order and booking.code in order and "Rp 750.000" in order

    # Hand-over to a courier needs its receipt number.
    response = as_staff("post", url("hand_over", booking), {"method": "courier", "collected_by": "JNE Ambon"})
    assert response.status_code == 200 and "courier_receipt" in response.context["form"].errors
    as_staff("post", url("hand_over", booking), {"method": "courier", "collected_by": "JNE Ambon", "courier_receipt": "JN123"})
    booking.refresh_from_db()
    assert booking.status == Status.DONE and booking.courier_receipt == "JN123" and booking.handed_over_at

    # The owner sees every step in the history.
    history = [e.to_status for e in booking.events.all() if e.from_status != e.to_status]
    assert history == [
        Status.SUBMITTED, Status.VERIFIED, Status.QUEUED, Status.DESIGN, Status.AWAITING_APPROVAL, Status.REVISION,
        Status.AWAITING_APPROVAL, Status.APPROVED, Status.PRODUCTION, Status.READY, Status.DONE,
    ]
    page = as_owner("get", booking.get_absolute_url()).content.decode()
    assert "Selesai" in page and "JNE Ambon" in page


def test_approved_proof_is_locked(owner, staff, product):
    from bookings.models import Service
    from bookings.services import booking_transition, booking_verify, proof_approve, proof_send
    from core.uploads import clean_image

    service = Service.objects.get(slug="desain-kemasan")
    booking = booking_verify(booking=booking_submit(actor=owner, product=product, service=service, quantity=1), actor=staff)
    booking_transition(booking=booking, actor=staff, name="start_design")
    proof = proof_send(booking=booking, actor=staff, file=clean_image(SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")))
    proof_approve(booking=booking, actor=owner, checklist={k: True for k, _l in APPROVAL_CHECKLIST})
    proof.refresh_from_db()
    proof.comment = "diubah"
    import pytest

    with pytest.raises(ValueError):
        proof.save()


def test_owner_cannot_send_proofs_or_verify(client, owner, product, pouch):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    client.force_login(owner)
    assert client.post(url("verify", booking)).status_code == 403
    assert client.get(url("send_proof", booking)).status_code == 403
    assert client.post(url("hand_over", booking)).status_code == 403
    assert client.get(reverse("bookings:board")).status_code == 403
    assert Booking.objects.get().status == Status.SUBMITTED


def test_manager_reads_the_board_but_cannot_act(client, manager, owner, product, pouch):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    client.force_login(manager)
    assert client.get(reverse("bookings:board")).status_code == 200
    assert client.get(reverse("bookings:today")).status_code == 200
    assert client.post(url("verify", booking), {"override_reason": "x"}).status_code == 403
    assert client.post(reverse("bookings:bulk_verify"), {"codes": [booking.code]}).status_code == 403


def test_review_page_shows_no_errors_before_anything_is_posted(client, owner, staff, product):
    from bookings.models import Service
    from bookings.services import booking_transition, booking_verify, proof_send
    from core.uploads import clean_image

    service = Service.objects.get(slug="desain-kemasan")
    booking = booking_verify(booking=booking_submit(actor=owner, product=product, service=service, quantity=1), actor=staff)
    booking_transition(booking=booking, actor=staff, name="start_design")
    proof_send(booking=booking, actor=staff, file=clean_image(SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")))
    client.force_login(owner)
    response = client.get(url("proof_decide", booking, decision="setujui"))
    assert response.status_code == 200
    assert not response.context["approval_form"].is_bound
    assert "invalid-feedback" not in response.content.decode()

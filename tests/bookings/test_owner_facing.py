"""What owners and staff read: action-first home, honest dates, specific feedback, linked print
requests, history titles, context carried between pages, and generated data that look like the house."""
import datetime

import pytest
from django.urls import reverse

from bookings.models import Booking, Service
from bookings.services import booking_assign, booking_submit, booking_transition, booking_verify, proof_approve, proof_send
from bookings.proofs import APPROVAL_CHECKLIST
from notifications.models import Notification
from tests.conftest import image_bytes


def _proof():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import clean_image

    return clean_image(SimpleUploadedFile("p.png", image_bytes("PNG"), "image/png"))


def _design(owner, product, staff, *, approve=False):
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="desain-label-merek"), quantity=1)
    booking_verify(booking=booking, actor=staff, override_reason="Merek sedang didaftarkan.")
    booking_transition(booking=booking, actor=staff, name="start_design")
    proof_send(booking=booking, actor=staff, file=_proof())
    if approve:
        proof_approve(booking=booking, actor=owner, checklist={k: True for k, _l in APPROVAL_CHECKLIST})
    booking.refresh_from_db()
    return booking


def test_home_leads_with_one_action_per_request_waiting_for_the_owner(client, owner, product, staff):
    waiting = _design(owner, product, staff)
    other = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="konsultasi-kemasan"), quantity=1)
    booking_transition(booking=other, actor=staff, name="ask_info", note="Foto produk kurang jelas")
    client.force_login(owner)
    html = client.get(reverse("pages:home")).content.decode()
    assert html.count('class="card to-do') == 2
    assert f'href="/permohonan/{waiting.code}/draf/setujui/"' in html and "Periksa desain" in html
    assert "Lengkapi data" in html and "Foto produk kurang jelas" in html
    assert html.index("Periksa desain") < html.index("Ajukan permohonan kemasan")


def test_ready_page_and_notice_say_since_when_where_and_when_not_an_estimate(client, owner, product, staff, settings):
    settings.RK_OFFICE_HOURS = "Senin–Jumat 08.00–15.00 WIT"
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="sablon"), quantity=50)
    booking_verify(booking=booking, actor=staff)
    # Production starts once the quotation is accepted and paid (payments app).
    from accounts.roles import Role
    from bookings.services import booking_finish_production
    from payments import services as payments
    from payments.models import Quotation
    from tests.factories import UserFactory

    payments.quotation_accept(quotation=payments.current_quotation(booking), actor=owner, via=Quotation.AcceptedVia.APP)
    payments.payment_record(booking=booking, actor=UserFactory(role=Role.TREASURER), method="cash", amount=payments.balance(booking)["outstanding"])
    booking_transition(booking=booking, actor=staff, name="start_production_direct")

    booking_finish_production(booking=booking, actor=staff, quantity_produced=52)
    notice = Notification.objects.filter(recipient=owner, kind="booking_status").latest("pk")
    assert "Siap diambil sejak" in notice.body and settings.RK_OFFICE_ADDRESS in notice.body
    assert "Senin–Jumat 08.00–15.00 WIT" in notice.body and "Perkiraan" not in notice.body
    client.force_login(owner)
    html = client.get(booking.get_absolute_url()).content.decode()
    assert "Siap diambil sejak" in html and "Perkiraan selesai" not in html and "Senin–Jumat 08.00–15.00 WIT" in html
    assert "52 buah" in html  # the produced quantity


def test_notices_quote_the_queue_number_only_while_queued(owner, product, staff):
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="desain-kemasan"), quantity=1)
    booking_verify(booking=booking, actor=staff)
    booking_transition(booking=booking, actor=staff, name="start_design")
    started = Notification.objects.filter(recipient=owner, kind="booking_status").latest("pk")
    assert "Nomor antrean" not in started.body and "antrean" not in started.subject.lower()


def test_a_queue_estimate_does_not_flicker_one_day_earlier():
    from bookings.queue import steady

    today, old = datetime.date(2026, 3, 2), datetime.date(2026, 3, 10)  # Monday; old estimate Tuesday next week
    assert steady(old, datetime.date(2026, 3, 9), today=today, holidays=frozenset()) == old  # one day earlier: kept
    assert steady(old, datetime.date(2026, 3, 6), today=today, holidays=frozenset()) == datetime.date(2026, 3, 6)
    assert steady(old, datetime.date(2026, 3, 11), today=today, holidays=frozenset()) == datetime.date(2026, 3, 11)
    assert steady(datetime.date(2026, 2, 27), datetime.date(2026, 3, 3), today=today, holidays=frozenset()) == datetime.date(2026, 3, 3)


def test_staff_hear_what_happened_to_which_request(client, owner, product, staff):
    queued = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="konsultasi-kemasan"), quantity=1)
    booking_verify(booking=queued, actor=staff)
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="konsultasi-kemasan"), quantity=1)
    client.force_login(staff)
    response = client.post(reverse("bookings:verify", args=[booking.code]), follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert f"{booking.code} diverifikasi dan masuk antrean nomor 2." in texts
    response = client.post(reverse("bookings:assign", args=[booking.code]), {"claim": "1", "assignee": ""}, follow=True)
    assert f"{booking.code} kini ditangani oleh {staff}." in [str(m) for m in response.context["messages"]]


def test_assignment_is_its_own_history_entry(client, owner, product, staff):
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="konsultasi-kemasan"), quantity=1)
    booking_verify(booking=booking, actor=staff)
    booking_assign(booking=booking, actor=staff, assignee=staff)
    client.force_login(owner)
    html = client.get(booking.get_absolute_url()).content.decode()
    assert f"Ditangani oleh {staff}" in html
    assert html.count("<strong>Dalam antrean</strong>") == 1


def test_print_request_from_the_approved_design_is_linked_both_ways(client, owner, product, staff):
    design = _design(owner, product, staff, approve=True)
    client.force_login(owner)
    assert "Cetak desain ini" in client.get(design.get_absolute_url()).content.decode()
    form = client.get(reverse("bookings:create"), {"dari": design.code})
    assert form.context["form"].initial["product"] == product and form.context["form"].initial["service"].slug == "cetak-label-stiker"
    response = client.post(reverse("bookings:create"), {
        "product": product.pk, "service": Service.objects.get(slug="cetak-label-stiker").pk, "quantity": 200, "follows": design.code,
    })
    printing = Booking.objects.exclude(pk=design.pk).get()
    assert response.status_code == 302
    assert printing.events.get(action="submit").data["follows"] == design.code
    assert design.events.get(action="print_requested").data["code"] == printing.code
    assert f"Permohonan cetak {printing.code} dibuat dari desain ini" in client.get(design.get_absolute_url()).content.decode()


def test_print_follow_up_refuses_a_design_not_yet_approved(owner, product, staff):
    from django.core.exceptions import ValidationError

    design = _design(owner, product, staff)
    with pytest.raises(ValidationError):
        booking_submit(actor=owner, product=product, service=Service.objects.get(slug="cetak-label-stiker"), quantity=100, follows=design)


def test_context_is_carried_between_pages(client, owner, product):
    client.force_login(owner)
    form = client.get(reverse("bookings:create"), {"produk": str(product.public_id)}).context["form"]
    assert form.initial["product"] == product
    owner.email = "ina@example.org"
    owner.save()
    business_form = client.get(reverse("accounts:business_create")).context["form"]
    assert business_form.initial["email"] == "ina@example.org" and business_form.initial["owner_name"] == owner.name


def test_one_style_of_empty_choice(db):
    from accounts.forms import BusinessForm
    from products.forms import ProductForm

    for form in (BusinessForm(), ProductForm()):
        for name, field in form.fields.items():
            for _value, label in getattr(field, "choices", []):
                assert label != "---------", f"{type(form).__name__}.{name}"


def test_legality_number_is_kept_as_typed(business, product):
    from accounts.legality import normalize_number
    from accounts.services import document_add

    document = document_add(business=business, product=product, kind="pirt", number=" 2068171010123-29 ", is_pending=False)
    assert document.number == "2068171010123-29"
    assert normalize_number("pirt", document.number) == "206817101012329"


@pytest.mark.django_db
def test_generated_data_look_like_the_house(staff):
    from bookings.demo import TRADES, generate_bookings
    from bookings.workflow import Status

    generate_bookings(300, seed=3)
    bookings = Booking.objects.select_related("service", "product", "business")
    products = {name for _s, _c, _w, items in TRADES for name, *_rest in items}
    assert all(b.product.name in products for b in bookings)
    assert not any(b.business.name.startswith("Usaha demo") for b in bookings)
    for b in bookings:
        if b.service.unit in ("design", "session"):
            assert b.quantity == 1, b.code
        assert b.quantity >= b.service.minimum_order
    assert not bookings.filter(status=Status.VERIFIED).exists()  # verified requests join the queue at once
    designs = bookings.filter(service__unit="design", status="selesai")
    assert all(b.estimated_cost == b.service.tariff for b in designs)

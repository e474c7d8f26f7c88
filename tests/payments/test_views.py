"""The money pages through the client: the counter, the owner's side, the treasurer's desk and cash book."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings.models import Service
from payments import services
from payments.forms import PaymentForm
from payments.gateways import LoggingGateway
from payments.models import LedgerEntry, Quotation, TransferClaim
from tests.conftest import image_bytes
from tests.factories import UserFactory
from tests.money_fixtures import verified_booking

pytestmark = pytest.mark.django_db


def url(name, booking):
    return reverse(f"payments:{name}", kwargs={"code": booking.code})


def test_counter_cash_payment_takes_at_most_four_fields(client, sablon_booking, treasurer):
    assert list(PaymentForm.base_fields) == ["method", "amount", "payer_name", "note"]
    client.force_login(treasurer)
    page = client.get(url("pay", sablon_booking)).content.decode()
    assert 'value="300000"' in page  # the outstanding amount is filled in
    response = client.post(url("pay", sablon_booking), {"method": "cash", "amount": "125000"})  # two fields typed
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302 and response.url == reverse("payments:receipt", kwargs={"public_id": entry.public_id})
    receipt = client.get(response.url).content.decode()
    assert entry.receipt_code in receipt and "seratus dua puluh lima ribu rupiah" in receipt and "Rp 125.000" in receipt


def test_bad_amount_is_told_next_to_the_field_and_kept(client, sablon_booking, treasurer):
    client.force_login(treasurer)
    response = client.post(url("pay", sablon_booking), {"method": "cash", "amount": "400000", "payer_name": "Ibu Ani"})
    assert response.status_code == 200
    assert "melebihi sisa tagihan (Rp 300.000)" in response.context["form"].errors["amount"][0]
    assert 'value="Ibu Ani"' in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_owner_accepts_quotation_and_uploads_transfer_proof(client, sablon_booking, owner, treasurer):
    client.force_login(owner)
    detail = client.get(sablon_booking.get_absolute_url()).content.decode()
    assert "Penawaran, versi 1" in detail and "Rp 300.000" in detail and "Setujui penawaran" in detail
    client.post(url("quotation_accept", sablon_booking))
    quotation = services.current_quotation(sablon_booking)
    assert quotation.is_accepted and quotation.accepted_via == Quotation.AcceptedVia.APP
    proof = SimpleUploadedFile("bukti.jpg", image_bytes("JPEG"), "image/jpeg")
    response = client.post(url("transfer", sablon_booking), {"amount": "150000", "paid_on": timezone.localdate().isoformat(),
                                                              "payer_name": "Ina", "proof": proof})
    assert response.status_code == 302
    claim = TransferClaim.objects.get()
    client.force_login(treasurer)
    client.post(reverse("payments:claim_confirm", kwargs={"public_id": claim.public_id}))
    assert services.paid_total(sablon_booking) == 150_000


def test_another_owner_cannot_see_the_receipt(client, sablon_booking, treasurer, other_owner):
    entry = services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=1000)
    client.force_login(other_owner)
    assert client.get(reverse("payments:receipt", kwargs={"public_id": entry.public_id})).status_code == 404
    client.force_login(sablon_booking.business.owner)
    assert client.get(reverse("payments:receipt", kwargs={"public_id": entry.public_id})).status_code == 200


def test_qris_page_draws_the_code_and_the_webhook_pays(client, sablon_booking, owner):
    services.quotation_accept(quotation=services.current_quotation(sablon_booking), actor=owner, via="app")
    client.force_login(owner)
    page = client.post(url("qris", sablon_booking), {"amount": "300000"})
    assert page.status_code == 200 and "<svg" in page.content.decode()
    charge = sablon_booking.gateway_charges.get()
    body = json.dumps({"order_id": charge.order_id, "transaction_id": "x1", "amount": 300000, "status": "paid"}).encode()
    client.post(reverse("payments:webhook", kwargs={"provider": "logging"}), body, content_type="application/json",
                HTTP_X_SIGNATURE=LoggingGateway.sign(body))
    assert services.balance(sablon_booking)["outstanding"] == 0


def test_qris_over_the_cap_is_refused_with_a_clear_message(client, staff, owner):
    booking = verified_booking(service=Service.objects.get(slug="sablon"), staff=staff, owner=owner, quantity=4000)
    client.force_login(owner)
    response = client.post(url("qris", booking), {"amount": "10000001"}, follow=True)
    assert "QRIS menerima paling banyak Rp 10.000.000 per transaksi" in response.content.decode()
    assert not booking.gateway_charges.exists()


def test_closing_the_day_on_the_desk_stops_new_entries(client, sablon_booking, treasurer):
    services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=50_000)
    client.force_login(treasurer)
    desk = client.get(reverse("payments:desk")).content.decode()
    assert "Rp 50.000" in desk and "Tutup hari" in desk
    client.post(reverse("payments:day_close"))
    response = client.post(url("pay", sablon_booking), {"method": "cash", "amount": "1000"})
    assert "sudah ditutup" in response.content.decode()
    assert LedgerEntry.objects.count() == 1


def test_cash_book_totals_per_method_with_a_constant_number_of_queries(client, staff, treasurer):
    bookings = [verified_booking(service=Service.objects.get(slug="sablon"), staff=staff) for _ in range(3)]
    for i, booking in enumerate(bookings):
        services.payment_record(booking=booking, actor=treasurer, method=["cash", "transfer", "qris"][i], amount=10_000 * (i + 1))
    client.force_login(treasurer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("payments:cash_book")).content.decode()
    # session, user, groups (role check), unread notifications for the navbar + 1 aggregate grouped by
    # day and method + 1 for the closed days
    assert len(queries) <= 6, [q["sql"] for q in queries]
    assert "Rp 10.000" in page and "Rp 20.000" in page and "Rp 30.000" in page and "Rp 60.000" in page


def test_owner_sees_remaining_quota(client, staff, owner):
    verified_booking(service=Service.objects.get(slug="desain-kemasan"), staff=staff, owner=owner, quantity=1)
    client.force_login(owner)
    page = client.get(reverse("payments:quota")).content.decode()
    assert "Desain kemasan" in page and "1 / 4" in page


def test_staff_confirm_price_with_extra_materials(client, sablon_booking, staff):
    client.force_login(staff)
    response = client.post(url("quotation", sablon_booking), {"quantity": "120", "extras_description": "", "extras_amount": "5000"})
    assert response.status_code == 200 and "extras_description" in response.context["form"].errors
    client.post(url("quotation", sablon_booking), {"quantity": "120", "extras_description": "Tinta emas", "extras_amount": "5000"})
    quotation = services.current_quotation(sablon_booking)
    assert (quotation.version, quotation.total) == (2, 120 * 3000 + 5000)


def test_treasurer_may_not_open_the_store_and_staff_not_the_cash_book(client, staff, treasurer):
    client.force_login(staff)
    assert client.get(reverse("payments:cash_book")).status_code == 403
    client.force_login(treasurer)
    assert client.get(reverse("materials:store")).status_code == 403
    manager = UserFactory(role="manager")
    client.force_login(manager)
    assert client.get(reverse("payments:cash_book")).status_code == 403


def test_closed_days_are_read_from_their_closing_and_match_the_ledger(client, staff, treasurer, shift_days):
    from payments.selectors import cash_book

    booking = verified_booking(service=Service.objects.get(slug="sablon"), staff=staff)
    services.payment_record(booking=booking, actor=treasurer, method="cash", amount=70_000)
    services.payment_record(booking=booking, actor=treasurer, method="transfer", amount=30_000)
    live = cash_book(year=timezone.localdate().year)
    services.day_close(day=timezone.localdate(), actor=treasurer)
    shift_days(1)
    services.payment_record(booking=booking, actor=treasurer, method="cash", amount=5_000)
    book = cash_book(year=timezone.localdate().year) if timezone.localdate().year == live["year"] else live
    closed = [line for line in book["lines"] if line["closed"]]
    assert len(closed) == 1 and closed[0]["columns"][:2] == [70_000, 30_000] and closed[0]["count"] == 2
    assert closed[0]["columns"] == live["lines"][0]["columns"]

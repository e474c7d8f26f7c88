import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import Service
from bookings.services import booking_transition, booking_verify
from bookings.workflow import Status, TransitionError
from core.uploads import clean_image
from notifications.models import Notification
from payments import services
from payments.models import LedgerEntry, PaymentRule, Quotation, QuotaUse
from tests.conftest import image_bytes
from tests.factories import BusinessFactory, ProductFactory, UserFactory
from tests.money_fixtures import verified_booking

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Services build their messages when they raise: read them in English here."""
    from django.utils import translation

    with translation.override("en"):
        yield


def accept(booking):
    quotation = services.current_quotation(booking)
    return services.quotation_accept(quotation=quotation, actor=booking.business.owner, via=Quotation.AcceptedVia.APP)


def test_verification_drafts_quotation_from_tariff(sablon_booking):
    quotation = services.current_quotation(sablon_booking)
    assert (quotation.version, quotation.quantity, quotation.unit_price) == (1, 100, 3000)
    assert quotation.total == 300_000 and quotation.state == Quotation.State.OFFERED


def test_changed_quantity_makes_new_version_that_needs_acceptance(sablon_booking, staff):
    accept(sablon_booking)
    same = services.quotation_issue(booking=sablon_booking, actor=staff, quantity=100)
    assert same.version == 1 and same.is_accepted
    newer = services.quotation_issue(booking=sablon_booking, actor=staff, quantity=150, extras_description="Tinta emas",
                                     extras_amount=25_000)
    assert newer.version == 2 and newer.total == 150 * 3000 + 25_000 and not newer.is_accepted
    assert Quotation.objects.get(booking=sablon_booking, version=1).state == Quotation.State.SUPERSEDED
    assert Notification.objects.filter(recipient=sablon_booking.business.owner, kind="quotation_issued").exists()


def test_another_owner_cannot_accept(sablon_booking, other_owner):
    with pytest.raises(TransitionError):
        services.quotation_accept(quotation=services.current_quotation(sablon_booking), actor=other_owner,
                                  via=Quotation.AcceptedVia.APP)


def test_cash_payment_gets_receipt_and_reduces_outstanding(sablon_booking, treasurer):
    accept(sablon_booking)
    entry = services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=100_000)
    assert entry.receipt_code == f"KW-{timezone.localdate().year}-00001"
    assert entry.business_day == timezone.localdate()
    state = services.balance(sablon_booking)
    assert (state["due"], state["paid"], state["outstanding"]) == (300_000, 100_000, 200_000)


def test_overpayment_is_refused_with_the_outstanding_amount(sablon_booking, treasurer):
    with pytest.raises(ValidationError) as error:
        services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=300_001)
    assert "Rp 300.000" in str(error.value)


def test_staff_may_not_record_payments(sablon_booking, staff):
    with pytest.raises(TransitionError):
        services.payment_record(booking=sablon_booking, actor=staff, method="cash", amount=1000)


def test_qris_cap_has_clear_message(treasurer, staff, sablon):
    booking = verified_booking(service=sablon, staff=staff, quantity=5000)  # Rp 15.000.000
    with pytest.raises(ValidationError) as error:
        services.payment_record(booking=booking, actor=treasurer, method="qris", amount=10_000_001)
    assert "Rp 10.000.000" in error.value.message_dict["amount"][0]
    with pytest.raises(ValidationError):
        services.qris_charge_create(booking=booking, actor=booking.business.owner, amount=10_000_001)


def test_ledger_rows_are_immutable_and_corrected_by_reversal(sablon_booking, treasurer):
    entry = services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=50_000)
    entry.amount = 1
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValidationError):
        services.entry_reverse(entry=entry, actor=treasurer, reason="")
    reversal = services.entry_reverse(entry=entry, actor=treasurer, reason="Salah booking")
    assert reversal.amount == -50_000 and reversal.reverses_id == entry.pk and reversal.receipt_number is None
    assert services.paid_total(sablon_booking) == 0
    with pytest.raises(TransitionError):
        services.entry_reverse(entry=entry, actor=treasurer, reason="lagi")


def test_database_refuses_a_payment_of_negative_amount(sablon_booking):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(booking=sablon_booking, kind="payment", method="cash", amount=-5,
                                   business_day=timezone.localdate(), recorded_at=timezone.now())


def test_closed_day_takes_no_entries_and_is_reversed_next_day(sablon_booking, treasurer, shift_days):
    entry = services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=40_000)
    closing = services.day_close(day=timezone.localdate(), actor=treasurer)
    assert closing.totals == {"cash": 40_000}
    with pytest.raises(TransitionError, match="closed"):
        services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=1_000)
    with pytest.raises(TransitionError, match="closed"):
        services.entry_reverse(entry=entry, actor=treasurer, reason="Salah catat")
    with pytest.raises(TransitionError):
        services.day_close(day=timezone.localdate(), actor=treasurer)
    shift_days(days=1)
    reversal = services.entry_reverse(entry=entry, actor=treasurer, reason="Salah catat")
    assert reversal.business_day == entry.business_day + datetime.timedelta(days=1)
    assert services.day_totals(entry.business_day) == {"cash": 40_000}  # the closed day is unchanged


def test_production_waits_for_down_payment(sablon_booking, treasurer, staff):
    with pytest.raises(TransitionError, match="accepts the quotation"):
        booking_transition(booking=sablon_booking, actor=staff, name="start_production_direct")
    accept(sablon_booking)
    services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=149_999)
    with pytest.raises(TransitionError, match="Rp 150.000"):
        booking_transition(booking=sablon_booking, actor=staff, name="start_production_direct")
    services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=1)
    booking = booking_transition(booking=sablon_booking, actor=staff, name="start_production_direct")
    assert booking.status == Status.PRODUCTION


def test_free_service_starts_without_payment(staff):
    service = Service.objects.get(slug="sablon")
    PaymentRule.objects.filter(service=service).update(payee="free", start_rule="free")
    booking = verified_booking(service=service, staff=staff)
    assert not booking.quotations.exists()
    assert booking_transition(booking=booking, actor=staff, name="start_production_direct").status == Status.PRODUCTION


def test_transfer_proof_confirmed_by_treasurer(sablon_booking, treasurer, owner):
    accept(sablon_booking)
    proof = clean_image(SimpleUploadedFile("bukti.jpg", image_bytes("JPEG"), "image/jpeg"))
    claim = services.transfer_claim_submit(booking=sablon_booking, actor=owner, amount=300_000,
                                           paid_on=timezone.localdate(), payer_name="Ibu Sari", proof=proof)
    assert Notification.objects.filter(recipient=treasurer, kind="transfer_submitted").exists()
    assert services.paid_total(sablon_booking) == 0  # not money until confirmed
    entry = services.transfer_claim_confirm(claim=claim, actor=treasurer)
    assert entry.method == "transfer" and entry.claim_id == claim.pk and services.paid_total(sablon_booking) == 300_000
    with pytest.raises(TransitionError):
        services.transfer_claim_confirm(claim=claim, actor=treasurer)


def test_refund_after_cancel(sablon_booking, treasurer, staff):
    accept(sablon_booking)
    services.payment_record(booking=sablon_booking, actor=treasurer, method="cash", amount=150_000)
    with pytest.raises(TransitionError):
        services.refund_record(booking=sablon_booking, actor=treasurer, method="cash", amount=150_000, note="Batal")
    booking_transition(booking=sablon_booking, actor=staff, name="cancel_by_office", note="Pemilik batal")
    assert Notification.objects.filter(recipient=treasurer, kind="refund_due").exists()
    with pytest.raises(ValidationError):
        services.refund_record(booking=sablon_booking, actor=treasurer, method="cash", amount=150_001, note="Batal")
    refund = services.refund_record(booking=sablon_booking, actor=treasurer, method="cash", amount=150_000, note="Batal")
    assert refund.amount == -150_000 and refund.receipt_number is not None
    assert services.paid_total(sablon_booking) == 0


def test_quota_enforced_at_verification_and_overridden_with_reason(staff, owner):
    service = Service.objects.get(slug="desain-kemasan")  # subsidised: 4 requests a year, 50 % subsidy
    business = BusinessFactory(owner=owner)
    product = ProductFactory(business=business)
    from bookings.services import booking_submit

    for _ in range(4):
        booking = booking_submit(actor=owner, product=product, service=service, quantity=1)
        booking_verify(booking=booking, actor=staff)
    fifth = booking_submit(actor=owner, product=product, service=service, quantity=1)
    with pytest.raises(TransitionError, match="quota of 4 requests"):
        booking_verify(booking=fifth, actor=staff)
    fifth.refresh_from_db()
    assert fifth.status == Status.SUBMITTED
    booking_verify(booking=fifth, actor=staff, override_reason="Program khusus pasca bencana")
    use = QuotaUse.objects.get(booking=fifth)
    assert use.override_reason == "Program khusus pasca bencana"
    event = fifth.events.get(action="verify")
    assert event.note == "Program khusus pasca bencana" and event.data["problems"]
    quotation = services.current_quotation(fifth)
    assert (quotation.subtotal, quotation.subsidy, quotation.total) == (250_000, 125_000, 125_000)


def test_cancelled_request_gives_its_quota_back(staff, owner):
    service = Service.objects.get(slug="desain-kemasan")
    product = ProductFactory(business=BusinessFactory(owner=owner))
    from bookings.services import booking_submit

    booking = booking_submit(actor=owner, product=product, service=service, quantity=1)
    booking_verify(booking=booking, actor=staff)
    assert services.quota_used(business_id=product.business_id, service_id=service.pk, year=timezone.localdate().year) == (1, 1)
    booking_transition(booking=booking, actor=owner, name="cancel", note="Tidak jadi")
    assert services.quota_used(business_id=product.business_id, service_id=service.pk, year=timezone.localdate().year) == (0, 0)


def test_terbilang_in_indonesian():
    from payments.terbilang import terbilang

    assert terbilang(1_250_000) == "satu juta dua ratus lima puluh ribu rupiah"
    assert terbilang(11_000) == "sebelas ribu rupiah"
    assert terbilang(-5_000) == "minus lima ribu rupiah"

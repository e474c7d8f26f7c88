from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bookings.queue import recompute
from bookings.services import booking_finish_production, booking_transition
from bookings.workflow import Status, TransitionError
from materials import services
from materials.models import BillLine, Material, StockMove
from notifications.models import Notification
from payments.models import PaymentRule
from tests.money_fixtures import verified_booking

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Services build their messages when they raise: read them in English here."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def free_sablon(sablon):
    """Sablon without payment rules in the way, using 1 shirt blank and 0.5 ml ink per piece."""
    PaymentRule.objects.filter(service=sablon).update(payee="free", start_rule="free")
    return sablon


@pytest.fixture
def blanks(free_sablon):
    material = Material.objects.create(name="Kaos polos", unit="piece", minimum_stock=50, unit_cost=20_000, restock_days=4)
    BillLine.objects.create(service=free_sablon, material=material, per_unit=Decimal("1"))
    return material


@pytest.fixture
def ink(free_sablon):
    material = Material.objects.create(name="Tinta sablon", unit="ml", minimum_stock=0, unit_cost=100)
    BillLine.objects.create(service=free_sablon, material=material, per_unit=Decimal("0.5"))
    return material


def on_hand(material):
    return services.stock_of([material.pk])[material.pk]


def test_balance_is_derived_from_moves(blanks, staff):
    services.stock_receive(material=blanks, actor=staff, quantity=120, unit_cost=21_000, reason="Toko Ambon")
    services.stock_receive(material=blanks, actor=staff, quantity=30, kind="grant", reason="Hibah dinas")
    services.stock_adjust(material=blanks, actor=staff, counted=148, reason="Stock opname: 2 rusak")
    assert on_hand(blanks) == (148, 0)
    assert list(blanks.moves.order_by("sequence").values_list("sequence", "quantity")) == [(1, 120), (2, 30), (3, -2)]
    blanks.refresh_from_db()
    assert blanks.unit_cost == 21_000


def test_adjustment_needs_a_reason_and_cannot_go_below_zero(blanks, staff):
    with pytest.raises(ValidationError):
        services.stock_adjust(material=blanks, actor=staff, counted=3, reason="")
    with pytest.raises(ValidationError):
        services.stock_adjust(material=blanks, actor=staff, counted=-1, reason="hilang")


def test_database_backstop_refuses_negative_stock(blanks):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMove.objects.create(material=blanks, sequence=1, kind="adjust", quantity=-1, on_hand_after=-1,
                                 reserved_after=0, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMove.objects.create(material=blanks, sequence=1, kind="reserve", quantity=5, on_hand_after=0,
                                 reserved_after=5)


def test_production_reserves_then_consumes_bill_of_materials(blanks, ink, staff):
    services.stock_receive(material=blanks, actor=staff, quantity=300)
    services.stock_receive(material=ink, actor=staff, quantity=1000)
    booking = verified_booking(service=blanks.bill_lines.get().service, staff=staff, quantity=101)
    booking_transition(booking=booking, actor=staff, name="start_production_direct")
    assert on_hand(blanks) == (300, 101) and on_hand(ink) == (1000, 51)  # 101 × 0.5 ml rounded up
    booking_finish_production(booking=booking, actor=staff, quantity_produced=101)
    assert on_hand(blanks) == (199, 0) and on_hand(ink) == (949, 0)


def test_short_materials_refuse_production_and_show_awaiting_materials(blanks, staff):
    services.stock_receive(material=blanks, actor=staff, quantity=60)
    booking = verified_booking(service=blanks.bill_lines.get().service, staff=staff, quantity=100)
    with pytest.raises(TransitionError, match="Kaos polos: needs 100, available 60"):
        booking_transition(booking=booking, actor=staff, name="start_production_direct")
    recompute(booking.service_id, notify=False)
    booking.refresh_from_db()
    assert booking.status == Status.QUEUED and booking.awaiting_materials
    assert on_hand(blanks) == (60, 0)


def test_queue_estimate_waits_for_restock_when_short(blanks, staff):
    services.stock_receive(material=blanks, actor=staff, quantity=150)
    first = verified_booking(service=blanks.bill_lines.get().service, staff=staff, quantity=100)
    second = verified_booking(service=blanks.bill_lines.get().service, staff=staff, quantity=100)
    recompute(first.service_id, notify=False)
    first.refresh_from_db(), second.refresh_from_db()
    assert not first.awaiting_materials and second.awaiting_materials
    services.stock_receive(material=blanks, actor=staff, quantity=100)
    before = second.estimated_start
    recompute(first.service_id, notify=False)
    second.refresh_from_db()
    assert not second.awaiting_materials and second.estimated_start < before


def test_cancel_releases_reservation(blanks, staff):
    services.stock_receive(material=blanks, actor=staff, quantity=200)
    booking = verified_booking(service=blanks.bill_lines.get().service, staff=staff, quantity=100)
    booking_transition(booking=booking, actor=staff, name="start_production_direct")
    booking_transition(booking=booking, actor=staff, name="cancel_by_office", note="Mesin rusak")
    assert on_hand(blanks) == (200, 0)


def test_low_stock_notice_goes_to_staff_once_when_crossing_minimum(blanks, staff):
    services.stock_receive(material=blanks, actor=staff, quantity=160)
    booking = verified_booking(service=blanks.bill_lines.get().service, staff=staff, quantity=100)
    booking_transition(booking=booking, actor=staff, name="start_production_direct")  # available 60: still ≥ 50
    assert not Notification.objects.filter(kind="low_stock").exists()
    services.stock_adjust(material=blanks, actor=staff, counted=149, reason="Stock opname")  # available 49
    services.stock_adjust(material=blanks, actor=staff, counted=148, reason="Stock opname")  # still low: no repeat
    notices = Notification.objects.filter(kind="low_stock", recipient=staff)
    assert notices.count() == 1 and "Kaos polos" in notices.get().subject

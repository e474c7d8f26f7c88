"""Writes of the store: receive, adjust, reserve for production, consume, release.

Every move locks its material's row (several materials: in the order of their ids, after the
booking's row that the workflow already holds), reads the totals of the material's last move and
writes the next move with the new totals. The constraints on ``StockMove`` are the backstop.
"""
from __future__ import annotations

import math
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.workflow import TransitionError
from materials import notices
from materials.models import BillLine, Material, StockMove

IN_KINDS = (StockMove.Kind.PURCHASE, StockMove.Kind.GRANT)


def stock_of(material_ids) -> dict[int, tuple[int, int]]:
    """(on hand, reserved) of each material, from its last move: one query."""
    last = StockMove.objects.filter(material=OuterRef("pk")).order_by("-sequence")
    rows = Material.objects.filter(pk__in=list(material_ids)).annotate(
        on_hand=Subquery(last.values("on_hand_after")[:1]), reserved=Subquery(last.values("reserved_after")[:1])
    ).values_list("pk", "on_hand", "reserved")
    return {pk: (on_hand or 0, reserved or 0) for pk, on_hand, reserved in rows}


def _write(material: Material, *, kind: str, on_hand_delta: int, reserved_delta: int, actor=None, booking=None,
           reason: str = "", unit_cost: int | None = None) -> StockMove:
    """Write the next move of a material whose row the caller has locked."""
    last = StockMove.objects.filter(material=material).order_by("-sequence").first()
    on_hand, reserved, sequence = (last.on_hand_after, last.reserved_after, last.sequence) if last else (0, 0, 0)
    move = StockMove.objects.create(
        material=material, sequence=sequence + 1, kind=kind,
        quantity=on_hand_delta if kind not in (StockMove.Kind.RESERVE, StockMove.Kind.RELEASE) else reserved_delta,
        on_hand_after=on_hand + on_hand_delta, reserved_after=reserved + reserved_delta,
        unit_cost=material.unit_cost if unit_cost is None else unit_cost,
        booking=booking, reason=reason[:200], created_by=actor,
    )
    before = on_hand - reserved
    after = move.available_after
    if after < material.minimum_stock <= before:
        notices.low_stock(material, available=after)
    return move


def _locked(material: Material) -> Material:
    return Material.objects.select_for_update().get(pk=material.pk)


def stock_receive(*, material: Material, actor, quantity: int, kind: str = StockMove.Kind.PURCHASE,
                  unit_cost: int | None = None, reason: str = "") -> StockMove:
    """Material in: a purchase (with its cost per unit, which becomes the material's cost) or a grant."""
    if kind not in IN_KINDS:
        raise ValidationError({"kind": _("Choose purchase or grant.")})
    if quantity is None or quantity < 1:
        raise ValidationError({"quantity": _("The quantity must be at least 1.")})
    with transaction.atomic():
        locked = _locked(material)
        if unit_cost is not None and kind == StockMove.Kind.PURCHASE and unit_cost != locked.unit_cost:
            locked.unit_cost = unit_cost
            locked.save(update_fields=["unit_cost"])
        return _write(locked, kind=kind, on_hand_delta=quantity, reserved_delta=0, actor=actor, reason=(reason or "").strip(),
                      unit_cost=unit_cost)


def stock_adjust(*, material: Material, actor, counted: int, reason: str) -> StockMove:
    """A stock count: the shelf holds ``counted``; the difference is written as an adjustment."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    if counted is None or counted < 0:
        raise ValidationError({"counted": _("The counted quantity cannot be negative.")})
    with transaction.atomic():
        locked = _locked(material)
        on_hand, reserved = stock_of([locked.pk])[locked.pk]
        if counted < reserved:
            raise ValidationError({"counted": _("%(reserved)d are reserved for production; the count cannot be lower.")
                                   % {"reserved": reserved}})
        if counted == on_hand:
            raise ValidationError({"counted": _("The count equals the recorded stock: nothing to adjust.")})
        return _write(locked, kind=StockMove.Kind.ADJUST, on_hand_delta=counted - on_hand, reserved_delta=0,
                      actor=actor, reason=reason)


def needs_for(booking: Booking, lines=None) -> dict[int, int]:
    """Material id → quantity a booking needs (bill of materials × quantity, rounded up)."""
    lines = BillLine.objects.filter(service_id=booking.service_id) if lines is None else lines
    return {line.material_id: math.ceil(line.per_unit * booking.quantity) for line in lines}


def _reserved_by(booking: Booking) -> dict[int, int]:
    rows = (
        StockMove.objects.filter(booking=booking, kind__in=(StockMove.Kind.RESERVE, StockMove.Kind.RELEASE, StockMove.Kind.CONSUME))
        .values("material_id", "kind").annotate(total=Sum("quantity"))
    )
    held: dict[int, int] = defaultdict(int)
    for row in rows:
        # RESERVE adds to what the booking holds, RELEASE (negative) and CONSUME (negative on hand) take it away.
        held[row["material_id"]] += row["total"]
    return {pk: q for pk, q in held.items() if q > 0}


def reserve_for(booking: Booking, actor) -> None:
    """Hook: the booking enters production. Reserve its materials, or refuse: it waits for materials."""
    needs = needs_for(booking)
    if not needs or _reserved_by(booking):
        return
    materials = list(Material.objects.select_for_update().filter(pk__in=needs).order_by("pk"))
    stock = stock_of(needs)
    short = []
    for material in materials:
        on_hand, reserved = stock[material.pk]
        if on_hand - reserved < needs[material.pk]:
            short.append(_("%(material)s: needs %(need)d, available %(available)d %(unit)s")
                         % {"material": material.name, "need": needs[material.pk], "available": on_hand - reserved,
                            "unit": material.get_unit_display()})
    if short:
        raise TransitionError(_("Awaiting materials — the store is short: %(short)s.") % {"short": "; ".join(short)})
    for material in materials:
        _write(material, kind=StockMove.Kind.RESERVE, on_hand_delta=0, reserved_delta=needs[material.pk], actor=actor,
               booking=booking, reason=booking.code)


def consume_for(booking: Booking, actor) -> None:
    """Hook: production finished. The reserved materials leave the store."""
    held = _reserved_by(booking)
    for material in Material.objects.select_for_update().filter(pk__in=held).order_by("pk"):
        _write(material, kind=StockMove.Kind.CONSUME, on_hand_delta=-held[material.pk], reserved_delta=-held[material.pk],
               actor=actor, booking=booking, reason=booking.code)


def release_for(booking: Booking, actor, status: str) -> None:
    """Hook: a cancelled booking gives its reservation back."""
    held = _reserved_by(booking)
    for material in Material.objects.select_for_update().filter(pk__in=held).order_by("pk"):
        _write(material, kind=StockMove.Kind.RELEASE, on_hand_delta=0, reserved_delta=-held[material.pk], actor=actor,
               booking=booking, reason=booking.code)


def queue_delays(service, bookings) -> dict[int, int]:
    """Hook for the queue estimate: bookings, in queue order, whose materials the store cannot cover
    after those ahead take theirs wait the materials' restock time."""
    lines = list(BillLine.objects.filter(service=service).select_related("material"))
    if not lines or not bookings:
        return {}
    stock = stock_of([line.material_id for line in lines])
    left = {pk: on_hand - reserved for pk, (on_hand, reserved) in stock.items()}
    restock = {line.material_id: line.material.restock_days for line in lines}
    delays = {}
    for booking in bookings:
        needs = needs_for(booking, lines)
        short = [pk for pk, need in needs.items() if left[pk] < need]
        for pk, need in needs.items():
            left[pk] -= need
        if short:
            delays[booking.pk] = max(restock[pk] for pk in short)
    return delays

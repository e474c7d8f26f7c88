"""Writes of the money side: quotations, payments, refunds, reversals, transfer proofs, closing the day.

Every write that touches a booking's money locks the booking row first (``_lock_booking``), so two
payments recorded at once are applied one after the other against a fresh balance. Receipt numbers
come from a per-year counter bumped inside the same transaction (the pattern of booking codes).
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import MONEY_ROLES
from bookings.models import Booking, Service
from bookings.workflow import Status, TransitionError
from core.counters import year_counter_lock, year_counter_next
from core.formatting import format_rupiah
from core.uploads import CleanFile
from payments import gateways, notices
from payments.models import (
    QRIS_CAP, DayClose, GatewayCharge, LedgerEntry, Method, PaymentRule, Quotation, QuotaUse, ReceiptCounter,
    TransferClaim,
)

# Defaults of a service that has no rule yet, from its fee mode in the catalogue.
_DEFAULT_RULES = {
    Service.FeeMode.FREE: dict(payee=PaymentRule.Payee.FREE, start_rule=PaymentRule.StartRule.FREE),
    Service.FeeMode.SUBSIDISED: dict(
        payee=PaymentRule.Payee.LEVY, start_rule=PaymentRule.StartRule.FULL, subsidy_percent=50, quota_requests=4
    ),
    Service.FeeMode.COST_RECOVERY: dict(
        payee=PaymentRule.Payee.PARTNER, start_rule=PaymentRule.StartRule.DOWN_PAYMENT, down_payment_percent=50
    ),
}


def may_handle_money(user) -> bool:
    return bool(user.roles & MONEY_ROLES) or user.is_superuser


def _require_money_role(actor) -> None:
    if not may_handle_money(actor):
        raise TransitionError(_("Only the treasurer or an administrator may do this."))


def rule_for(service: Service) -> PaymentRule:
    rule = getattr(service, "_payment_rule_cache", None)
    if rule is None:
        rule, _created = PaymentRule.objects.get_or_create(service=service, defaults=_DEFAULT_RULES[service.fee_mode])
        service._payment_rule_cache = rule
    return rule


def _lock_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update(of=("self",)).select_related("service", "business").get(pk=booking.pk)


# --- Quota ---------------------------------------------------------------------------------------


def quota_used(*, business_id: int, service_id: int, year: int, exclude_booking_id: int | None = None) -> tuple[int, int]:
    """(units, requests) of the quota used by a business for a service in a year."""
    qs = QuotaUse.objects.filter(business_id=business_id, service_id=service_id, year=year, released=False)
    if exclude_booking_id:
        qs = qs.exclude(booking_id=exclude_booking_id)
    row = qs.aggregate(units=Sum("units"), requests=Count("id"))
    return row["units"] or 0, row["requests"]


def quota_problems(booking: Booking) -> list[str]:
    """Hook for verification: the quota this booking would exceed, in words."""
    rule = rule_for(booking.service)
    if rule.quota_units is None and rule.quota_requests is None:
        return []
    year = timezone.localdate().year
    units, requests = quota_used(business_id=booking.business_id, service_id=booking.service_id, year=year,
                                 exclude_booking_id=booking.pk)
    problems = []
    if rule.quota_requests is not None and requests + 1 > rule.quota_requests:
        problems.append(
            _("The yearly quota of %(quota)d requests for %(service)s is used up (%(used)d used in %(year)d).")
            % {"quota": rule.quota_requests, "service": booking.service.name, "used": requests, "year": year}
        )
    if rule.quota_units is not None and units + booking.quantity > rule.quota_units:
        problems.append(
            _("This request needs %(need)d units but only %(left)d of the yearly quota of %(quota)d remain.")
            % {"need": booking.quantity, "left": max(rule.quota_units - units, 0), "quota": rule.quota_units}
        )
    return problems


def after_verified(booking: Booking, actor, override_reason: str) -> None:
    """Hook for verification: record the quota use and draft the first quotation."""
    rule = rule_for(booking.service)
    if rule.quota_units is not None or rule.quota_requests is not None or rule.subsidy_percent:
        QuotaUse.objects.update_or_create(
            booking=booking,
            defaults=dict(business_id=booking.business_id, service_id=booking.service_id, year=timezone.localdate().year,
                          units=booking.quantity, override_reason=override_reason[:300], released=False),
        )
    if rule.payee != PaymentRule.Payee.FREE and not booking.quotations.exists():
        _new_quotation(booking=booking, actor=actor, quantity=booking.quantity, rule=rule)


def after_closed(booking: Booking, actor, status: str) -> None:
    """Hook: a cancelled or rejected booking frees its quota; money paid falls due for a refund."""
    QuotaUse.objects.filter(booking=booking).update(released=True)
    paid = paid_total(booking)
    if paid > 0:
        notices.refund_due(booking, amount=paid)


# --- Quotations ----------------------------------------------------------------------------------


def _subsidy(*, booking: Booking, rule: PaymentRule, subtotal: int) -> int:
    if not rule.subsidy_percent or not QuotaUse.objects.filter(booking=booking, released=False).exists():
        return 0
    return subtotal * rule.subsidy_percent // 100


def _new_quotation(*, booking: Booking, actor, quantity: int, rule: PaymentRule, extras_description: str = "",
                   extras_amount: int = 0, subsidy: int | None = None) -> Quotation:
    unit_price = 0 if booking.service.fee_mode == Service.FeeMode.FREE else booking.service.tariff
    subtotal = unit_price * quantity
    subsidy = _subsidy(booking=booking, rule=rule, subtotal=subtotal) if subsidy is None else subsidy
    if subsidy > subtotal:
        raise ValidationError({"subsidy": _("The subsidy cannot be more than the subtotal (%(subtotal)s).")
                               % {"subtotal": format_rupiah(subtotal)}})
    last = booking.quotations.order_by("-version").first()
    booking.quotations.exclude(state=Quotation.State.SUPERSEDED).update(state=Quotation.State.SUPERSEDED)
    return Quotation.objects.create(
        booking=booking, version=(last.version + 1) if last else 1, quantity=quantity, unit_price=unit_price,
        subtotal=subtotal, subsidy=subsidy, extras_description=extras_description, extras_amount=extras_amount,
        total=subtotal - subsidy + extras_amount, created_by=actor,
    )


def current_quotation(booking: Booking) -> Quotation | None:
    return booking.quotations.exclude(state=Quotation.State.SUPERSEDED).first()


def quotation_issue(*, booking: Booking, actor, quantity: int, extras_description: str = "", extras_amount: int = 0,
                    subsidy: int | None = None) -> Quotation:
    """Staff confirm the price. The same figures keep the current version; any change makes a new one
    that the owner must accept again."""
    if not actor.acts_for_office:
        raise TransitionError(_("You are not allowed to do this."))
    if quantity is None or quantity < 1:
        raise ValidationError({"quantity": _("The quantity must be at least 1.")})
    extras_description = (extras_description or "").strip()
    if extras_amount and not extras_description:
        raise ValidationError({"extras_description": _("Describe the extra materials.")})
    with transaction.atomic():
        locked = _lock_booking(booking)
        if locked.is_closed:
            raise TransitionError(_("This request is closed."))
        rule = rule_for(locked.service)
        current = current_quotation(locked)
        if current and (current.quantity, current.extras_description, current.extras_amount) == (
            quantity, extras_description, extras_amount
        ) and (subsidy is None or subsidy == current.subsidy):
            return current
        quotation = _new_quotation(booking=locked, actor=actor, quantity=quantity, rule=rule,
                                   extras_description=extras_description, extras_amount=extras_amount or 0, subsidy=subsidy)
        notices.quotation_issued(locked, quotation)
    return quotation


def quotation_accept(*, quotation: Quotation, actor, via: str) -> Quotation:
    """The owner accepts in the app, or staff record the owner's acceptance at the counter."""
    with transaction.atomic():
        locked_booking = _lock_booking(quotation.booking)
        quotation = Quotation.objects.get(pk=quotation.pk)
        is_own = locked_booking.business.owner_id == actor.pk
        if via == Quotation.AcceptedVia.APP and not is_own:
            raise TransitionError(_("You are not allowed to do this."))
        if via == Quotation.AcceptedVia.COUNTER and not actor.acts_for_office and not may_handle_money(actor):
            raise TransitionError(_("You are not allowed to do this."))
        if quotation.state == Quotation.State.ACCEPTED:
            return quotation
        if quotation.state == Quotation.State.SUPERSEDED:
            raise TransitionError(_("This quotation was replaced by a newer version. Please look at the latest one."))
        quotation.state = Quotation.State.ACCEPTED
        quotation.accepted_at = timezone.now()
        quotation.accepted_by = actor
        quotation.accepted_via = via
        quotation.save(update_fields=["state", "accepted_at", "accepted_by", "accepted_via"])
    return quotation


# --- Balance and the production gate -------------------------------------------------------------


def paid_total(booking: Booking) -> int:
    return LedgerEntry.objects.filter(booking=booking).aggregate(total=Sum("amount"))["total"] or 0


def balance(booking: Booking) -> dict:
    """What is due, paid and outstanding, and what production needs first."""
    quotation = current_quotation(booking)
    rule = rule_for(booking.service)
    due = quotation.total if quotation else 0
    paid = paid_total(booking)
    return {
        "quotation": quotation,
        "rule": rule,
        "due": due,
        "paid": paid,
        "outstanding": max(due - paid, 0),
        "required_before_start": rule.required_before_start(due),
    }


def production_gate(booking: Booking) -> str | None:
    """Hook: why production may not start yet, or None."""
    rule = rule_for(booking.service)
    if rule.payee == PaymentRule.Payee.FREE or rule.start_rule == PaymentRule.StartRule.FREE:
        return None
    quotation = current_quotation(booking)
    if quotation is None:
        return _("Production can start once the quotation is confirmed and accepted.")
    if quotation.total and not quotation.is_accepted:
        return _("Production can start once the owner accepts the quotation.")
    required = rule.required_before_start(quotation.total)
    paid = paid_total(booking)
    if paid < required:
        return _("Production can start once %(required)s is paid (paid so far: %(paid)s).") % {
            "required": format_rupiah(required), "paid": format_rupiah(paid)
        }
    return None


# --- The ledger ----------------------------------------------------------------------------------


def allocate_receipt(*, year: int) -> int:
    """The next receipt number of the year: the counter row is bumped under its lock until commit."""
    return year_counter_next(ReceiptCounter, year=year)


def _lock_books(year: int) -> None:
    """Take the year's book lock (the receipt counter's row) until commit. Every ledger write and the
    closing of a day take it first, so a day cannot close between a payment's check and its insert."""
    year_counter_lock(ReceiptCounter, year=year)


def _open_day(now: datetime.datetime) -> datetime.date:
    day = timezone.localdate(now)
    _lock_books(day.year)
    if DayClose.objects.filter(day=day).exists():
        raise TransitionError(
            _("The cash book of %(day)s is closed. Record this tomorrow, or reverse entries on a later day.")
            % {"day": day.strftime("%d-%m-%Y")}
        )
    return day


def _write_entry(*, booking: Booking, kind: str, method: str, amount: int, actor, payer_name: str = "", note: str = "",
                 reverses: LedgerEntry | None = None, external_ref: str | None = None,
                 claim: TransferClaim | None = None, with_receipt: bool = True) -> LedgerEntry:
    now = timezone.now()
    day = _open_day(now)
    year = day.year
    return LedgerEntry.objects.create(
        booking=booking, kind=kind, method=method, amount=amount, business_day=day, recorded_at=now, recorded_by=actor,
        payer_name=payer_name[:150], note=note[:300], reverses=reverses, external_ref=external_ref, claim=claim,
        receipt_year=year if with_receipt else None,
        receipt_number=allocate_receipt(year=year) if with_receipt else None,
    )


def _check_amount(amount, *, field: str = "amount") -> int:
    if amount is None or int(amount) < 1:
        raise ValidationError({field: _("The amount must be at least Rp 1.")})
    return int(amount)


def _check_method(booking: Booking, method: str, rule: PaymentRule, amount: int) -> None:
    if method not in Method.values:
        raise ValidationError({"method": _("Choose a payment method.")})
    if rule.payee == PaymentRule.Payee.FREE:
        raise ValidationError({"method": _("This service is free: there is nothing to pay.")})
    if method == Method.QRIS and amount > QRIS_CAP:
        raise ValidationError({"amount": _("QRIS accepts at most %(cap)s per transaction. Pay in parts, or by transfer or cash.")
                               % {"cap": format_rupiah(QRIS_CAP)}})


def payment_record(*, booking: Booking, actor, method: str, amount: int, payer_name: str = "", note: str = "",
                   external_ref: str | None = None, claim: TransferClaim | None = None) -> LedgerEntry:
    """Record money received for a booking, with its receipt. Never more than is outstanding.

    ``actor`` None means the payment gateway (a verified notification).
    """
    amount = _check_amount(amount)
    if actor is not None:
        _require_money_role(actor)
    with transaction.atomic():
        locked = _lock_booking(booking)
        rule = rule_for(locked.service)
        _check_method(locked, method, rule, amount)
        state = balance(locked)
        if state["quotation"] is None:
            raise ValidationError({"amount": _("There is no quotation for this request yet.")})
        if amount > state["outstanding"]:
            raise ValidationError({"amount": _("The amount is more than what is outstanding (%(outstanding)s).")
                                   % {"outstanding": format_rupiah(state["outstanding"])}})
        entry = _write_entry(booking=locked, kind=LedgerEntry.Kind.PAYMENT, method=method, amount=amount, actor=actor,
                             payer_name=payer_name or locked.business.owner_name, note=note, external_ref=external_ref,
                             claim=claim)
        notices.payment_received(locked, entry)
    return entry


def refund_record(*, booking: Booking, actor, method: str, amount: int, note: str) -> LedgerEntry:
    """Pay money back to the owner of a cancelled or rejected request (at most what was paid)."""
    amount = _check_amount(amount)
    _require_money_role(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why and how the money is returned.")})
    if method not in Method.values or method == Method.QRIS:
        raise ValidationError({"method": _("Refunds are paid in cash or by transfer.")})
    with transaction.atomic():
        locked = _lock_booking(booking)
        if locked.status not in (Status.CANCELLED, Status.REJECTED):
            raise TransitionError(_("Refunds are for cancelled or rejected requests."))
        paid = paid_total(locked)
        if amount > paid:
            raise ValidationError({"amount": _("The refund cannot be more than what was paid (%(paid)s).")
                                   % {"paid": format_rupiah(paid)}})
        entry = _write_entry(booking=locked, kind=LedgerEntry.Kind.REFUND, method=method, amount=-amount, actor=actor,
                             payer_name=locked.business.owner_name, note=note)
    return entry


def entry_reverse(*, entry: LedgerEntry, actor, reason: str) -> LedgerEntry:
    """Correct a mistaken entry with a new entry of the opposite amount, on today's (open) day."""
    _require_money_role(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    with transaction.atomic():
        locked = _lock_booking(entry.booking)
        entry = LedgerEntry.objects.get(pk=entry.pk)
        if entry.kind == LedgerEntry.Kind.REVERSAL:
            raise TransitionError(_("A correction cannot be reversed; record the right entry instead."))
        if LedgerEntry.objects.filter(reverses=entry).exists():
            raise TransitionError(_("This entry was already reversed."))
        try:
            with transaction.atomic():
                return _write_entry(booking=locked, kind=LedgerEntry.Kind.REVERSAL, method=entry.method,
                                    amount=-entry.amount, actor=actor, payer_name=entry.payer_name, note=reason,
                                    reverses=entry, with_receipt=False)
        except IntegrityError as error:  # the one-to-one backstop: reversed at the same moment
            raise TransitionError(_("This entry was already reversed.")) from error


# --- Transfers with a proof ----------------------------------------------------------------------


def transfer_claim_submit(*, booking: Booking, actor, amount: int, paid_on: datetime.date, payer_name: str,
                          proof: CleanFile) -> TransferClaim:
    amount = _check_amount(amount)
    if booking.business.owner_id != actor.pk and not may_handle_money(actor) and not actor.acts_for_office:
        raise TransitionError(_("You are not allowed to do this."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The transfer date cannot be in the future.")})
    with transaction.atomic():
        locked = _lock_booking(booking)
        rule = rule_for(locked.service)
        _check_method(locked, Method.TRANSFER, rule, amount)
        state = balance(locked)
        if amount > state["outstanding"]:
            raise ValidationError({"amount": _("The amount is more than what is outstanding (%(outstanding)s).")
                                   % {"outstanding": format_rupiah(state["outstanding"])}})
        claim = TransferClaim.objects.create(booking=locked, amount=amount, paid_on=paid_on,
                                             payer_name=(payer_name or "").strip()[:150], proof=proof.content,
                                             submitted_by=actor)
        notices.transfer_submitted(locked, claim)
    return claim


def transfer_claim_confirm(*, claim: TransferClaim, actor) -> LedgerEntry:
    _require_money_role(actor)
    with transaction.atomic():
        _lock_booking(claim.booking)
        claim = TransferClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.state != TransferClaim.State.PENDING:
            raise TransitionError(_("This transfer was already decided."))
        entry = payment_record(booking=claim.booking, actor=actor, method=Method.TRANSFER, amount=claim.amount,
                               payer_name=claim.payer_name, note=_("Transfer of %(day)s") % {"day": claim.paid_on.strftime("%d-%m-%Y")},
                               claim=claim)
        claim.state = TransferClaim.State.CONFIRMED
        claim.decided_by, claim.decided_at = actor, timezone.now()
        claim.save(update_fields=["state", "decided_by", "decided_at"])
    return entry


def transfer_claim_reject(*, claim: TransferClaim, actor, reason: str) -> TransferClaim:
    _require_money_role(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the transfer is not accepted.")})
    with transaction.atomic():
        claim = TransferClaim.objects.select_for_update().select_related("booking__business__owner").get(pk=claim.pk)
        if claim.state != TransferClaim.State.PENDING:
            raise TransitionError(_("This transfer was already decided."))
        claim.state = TransferClaim.State.REJECTED
        claim.decided_by, claim.decided_at, claim.reason = actor, timezone.now(), reason[:300]
        claim.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        notices.transfer_rejected(claim.booking, claim)
    return claim


# --- QRIS through the gateway --------------------------------------------------------------------


def qris_charge_create(*, booking: Booking, actor, amount: int) -> GatewayCharge:
    amount = _check_amount(amount)
    rule = rule_for(booking.service)
    _check_method(booking, Method.QRIS, rule, amount)
    if rule.payee != PaymentRule.Payee.PARTNER:
        raise ValidationError({"method": _("Levy payments go to the regional bank: use its QRIS or a transfer with the billing code, then upload the proof.")})
    state = balance(booking)
    if amount > state["outstanding"]:
        raise ValidationError({"amount": _("The amount is more than what is outstanding (%(outstanding)s).")
                               % {"outstanding": format_rupiah(state["outstanding"])}})
    gateway = gateways.get_gateway()
    order_id = f"{booking.code}-{timezone.now():%Y%m%d%H%M%S%f}"
    with transaction.atomic():  # a provider that fails leaves no charge behind
        charge = GatewayCharge.objects.create(order_id=order_id, booking=booking, provider=gateway.name, amount=amount,
                                              created_by=actor)
        charge.qr_string = gateway.create_qris(order_id=order_id, amount=amount)
        GatewayCharge.objects.filter(pk=charge.pk).update(qr_string=charge.qr_string)
    return charge


def gateway_notification_apply(*, order_id: str, external_ref: str, amount: int, paid: bool) -> str:
    """Apply a verified gateway notification. Idempotent: a replay finds the entry and records nothing."""
    with transaction.atomic():
        charge = GatewayCharge.objects.select_for_update().select_related("booking").filter(order_id=order_id).first()
        if charge is None:
            return "unknown order"
        if not paid:
            if charge.state == GatewayCharge.State.PENDING:
                GatewayCharge.objects.filter(pk=charge.pk).update(state=GatewayCharge.State.EXPIRED)
            return "not paid"
        if LedgerEntry.objects.filter(external_ref=external_ref).exists() or charge.state == GatewayCharge.State.PAID:
            return "duplicate"
        if amount != charge.amount:
            return "amount mismatch"
        try:
            with transaction.atomic():
                payment_record(booking=charge.booking, actor=None, method=Method.QRIS, amount=amount,
                               note=f"QRIS {charge.provider} {order_id}", external_ref=external_ref)
        except IntegrityError:
            return "duplicate"
        GatewayCharge.objects.filter(pk=charge.pk).update(state=GatewayCharge.State.PAID)
    return "recorded"


# --- Closing the day -----------------------------------------------------------------------------


def day_totals(day: datetime.date) -> dict[str, int]:
    rows = LedgerEntry.objects.filter(business_day=day).values("method").annotate(total=Sum("amount"))
    return {row["method"]: row["total"] for row in rows}


def _day_entries(day: datetime.date) -> int:
    return LedgerEntry.objects.filter(business_day=day).count()


def day_close(*, day: datetime.date, actor) -> DayClose:
    """Close a day's cash book: its totals are kept and no entry may be added to it any more."""
    _require_money_role(actor)
    if day > timezone.localdate():
        raise ValidationError({"day": _("A day in the future cannot be closed.")})
    with transaction.atomic():
        _lock_books(day.year)
        if DayClose.objects.filter(day=day).exists():
            raise TransitionError(_("This day is already closed."))
        try:
            with transaction.atomic():
                closing = DayClose.objects.create(day=day, closed_at=timezone.now(), closed_by=actor, totals=day_totals(day),
                                                  entries=_day_entries(day))
        except IntegrityError as error:
            raise TransitionError(_("This day is already closed.")) from error
    return closing


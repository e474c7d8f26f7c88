"""Pages and actions of the money side. Owners see their own; staff confirm prices; the treasurer and
admins record, confirm, correct and close the day, and alone read the cash book."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import acting_office_required as office_actor
from accounts.permissions import money_required as money_role
from accounts.permissions import owner_required
from bookings.workflow import TransitionError
from core.files import protected_file_response
from core.qr import qr_svg
from payments import selectors, services
from payments.forms import CashBookForm, PaymentForm, QrisForm, QuotationForm, ReasonForm, RefundForm, TransferProofForm
from payments.models import Quotation
from payments.terbilang import terbilang



def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _run(request, booking, action, success: str):
    try:
        action()
    except TransitionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(booking)


@office_actor
def quotation_issue(request, code):
    booking = selectors.booking_for_money(request.user, code)
    current = services.current_quotation(booking)
    initial = {"quantity": current.quantity if current else booking.quantity}
    if current:
        initial.update(extras_description=current.extras_description, extras_amount=current.extras_amount or None)
    form = QuotationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.quotation_issue(booking=booking, actor=request.user, quantity=data["quantity"], subsidy=data["subsidy"],
                                     extras_description=data["extras_description"], extras_amount=data["extras_amount"] or 0)
        except ValidationError as error:
            _form_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The price is confirmed and sent to the owner."))
            return redirect(booking)
    context = {"booking": booking, "form": form, "current": current, "rule": services.rule_for(booking.service)}
    return render(request, "payments/quotation_form.html", context)


@login_required
@require_POST
def quotation_accept(request, code):
    """The owner accepts in the app; staff or the treasurer record the owner's acceptance at the counter."""
    booking = selectors.booking_for_money(request.user, code)
    is_own = booking.business.owner_id == request.user.pk
    if not is_own and not (request.user.acts_for_office or services.may_handle_money(request.user)):
        raise PermissionDenied
    quotation = services.current_quotation(booking)
    if quotation is None:
        raise Http404
    via = Quotation.AcceptedVia.APP if is_own else Quotation.AcceptedVia.COUNTER
    return _run(request, booking, lambda: services.quotation_accept(quotation=quotation, actor=request.user, via=via),
                _("The quotation is accepted."))


@money_role
def payment_record(request, code):
    """Money at the counter: method, amount and, if needed, who paid and a note."""
    booking = selectors.booking_for_money(request.user, code)
    money = selectors.booking_money(request.user, booking)
    form = PaymentForm(request.POST or None, initial={"amount": money["outstanding"] or None})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.payment_record(booking=booking, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Payment recorded: receipt %(receipt)s.") % {"receipt": entry.receipt_code})
            return redirect("payments:receipt", public_id=entry.public_id)
    return render(request, "payments/payment_form.html", {"form": form, **money})


@owner_required
def transfer_submit(request, code):
    booking = selectors.booking_for_money(request.user, code)
    if booking.business.owner_id != request.user.pk:
        raise Http404
    money = selectors.booking_money(request.user, booking)
    form = TransferProofForm(request.POST or None, request.FILES or None,
                             initial={"amount": money["outstanding"] or None, "payer_name": booking.business.owner_name,
                                      "paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_claim_submit(booking=booking, actor=request.user, amount=data["amount"], paid_on=data["paid_on"],
                                           payer_name=data["payer_name"], proof=data["proof"])
        except ValidationError as error:
            _form_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you: the treasurer will confirm your transfer."))
            return redirect(booking)
    return render(request, "payments/transfer_form.html", {"form": form, **money})


@owner_required
@require_POST
def qris_create(request, code):
    booking = selectors.booking_for_money(request.user, code)
    if booking.business.owner_id != request.user.pk:
        raise Http404
    form = QrisForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(booking)
    try:
        charge = services.qris_charge_create(booking=booking, actor=request.user, amount=form.cleaned_data["amount"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(booking)
    except Exception:  # noqa: BLE001 - the gateway is down: say so, keep nothing half-done
        messages.error(request, _("QRIS is not available at the moment. Please pay by transfer or at the counter."))
        return redirect(booking)
    return render(request, "payments/qris.html", {"booking": booking, "charge": charge, "qr": qr_svg(charge.qr_string)})


@login_required
def claim_proof(request, public_id):
    claim = selectors.claim_for_user(request.user, public_id)
    return protected_file_response(claim.proof)


@money_role
@require_POST
def claim_confirm(request, public_id):
    claim = selectors.claim_for_user(request.user, public_id)
    return _run(request, claim.booking, lambda: services.transfer_claim_confirm(claim=claim, actor=request.user),
                _("Transfer confirmed and recorded."))


@money_role
@require_POST
def claim_reject(request, public_id):
    claim = selectors.claim_for_user(request.user, public_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(request, claim.booking, lambda: services.transfer_claim_reject(claim=claim, actor=request.user, reason=reason),
                _("The owner was told why the transfer is not accepted."))


@login_required
def receipt(request, public_id):
    """The printable receipt (kuitansi): the owner's own, or any for the office."""
    entry = selectors.entry_for_user(request.user, public_id)
    if entry.receipt_number is None:
        raise Http404
    context = {"entry": entry, "booking": entry.booking, "words": terbilang(abs(entry.amount)),
               "amount": abs(entry.amount)}
    return render(request, "payments/receipt.html", context)


@money_role
@require_POST
def entry_reverse(request, public_id):
    entry = selectors.entry_for_user(request.user, public_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(request, entry.booking, lambda: services.entry_reverse(entry=entry, actor=request.user, reason=reason),
                _("The entry is reversed."))


@money_role
def refund(request, code):
    booking = selectors.booking_for_money(request.user, code)
    money = selectors.booking_money(request.user, booking)
    form = RefundForm(request.POST or None, initial={"amount": money["paid"] or None})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.refund_record(booking=booking, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Refund recorded: receipt %(receipt)s.") % {"receipt": entry.receipt_code})
            return redirect("payments:receipt", public_id=entry.public_id)
    return render(request, "payments/refund_form.html", {"form": form, **money})


@money_role
def desk(request):
    return render(request, "payments/desk.html", selectors.desk(timezone.localdate()))


@money_role
@require_POST
def day_close(request):
    try:
        services.day_close(day=timezone.localdate(), actor=request.user)
    except (TransitionError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
    else:
        messages.success(request, _("The day is closed. Corrections go on a later day as reversing entries."))
    return redirect("payments:desk")


@money_role
def cash_book(request):
    form = CashBookForm(request.GET or None)
    today = timezone.localdate()
    year, month = today.year, None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        month = form.cleaned_data["month"]
    return render(request, "payments/cash_book.html", {"form": form, **selectors.cash_book(year=year, month=month)})


@owner_required
def quota(request):
    return render(request, "payments/quota.html", selectors.quotas_for_owner(request.user))

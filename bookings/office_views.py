"""Pages and actions of the office (PLUT staff and admins; the head of office reads)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import acting_office_required as office_actor
from accounts.permissions import office_required as office_reader
from bookings import feedback, selectors, services
from bookings.filters import BookingFilter
from bookings.forms import AssignForm, HandoverForm, PriorityForm, ProductionForm, ProofForm, VerifyForm
from bookings.workflow import TransitionError
from core.paging import BoundedPaginator


@office_reader
def board(request):
    filters = BookingFilter(request.GET or None, queryset=selectors.office_bookings())
    columns = selectors.board(filters.qs)
    groups, picked = selectors.board_groups(columns, request.GET.get("tahap"))
    query = request.GET.copy()
    query.pop("tahap", None)
    context = {"filters": filters, "columns": columns, "groups": groups, "picked": picked, "query": query}
    return render(request, "bookings/office/board.html", context)


@office_reader
def booking_table(request):
    filters = BookingFilter(request.GET or None, queryset=selectors.office_bookings().order_by("-submitted_at", "-id"))
    number = request.GET.get("page")
    page = BoundedPaginator(filters.qs, 25, page=number).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "bookings/office/table.html", {"filters": filters, "page": page, "query": query.urlencode()})


@office_reader
def today(request):
    day = timezone.localdate()
    context = {"day": day, **selectors.today(day), "workload": selectors.workload()}
    return render(request, "bookings/office/today.html", context)


@office_actor
@require_POST
def bulk_verify(request):
    codes = request.POST.getlist("codes")[:200]
    done, refused = services.bookings_bulk_verify(codes=codes, actor=request.user)
    for booking in selectors.office_bookings().filter(code__in=done).order_by("submitted_at"):
        messages.success(request, feedback.verified(booking))
    for code, reason in refused.items():
        messages.error(request, f"{code}: {reason}")
    if not done and not refused:
        messages.info(request, _("Tick the requests to verify first."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "bookings:board"  # never back to another site
    return redirect(target)


def _act(request, code, action, message):
    """Load the booking (404 if not visible), run ``action(booking)``, then say what happened
    (``message(booking)``, see bookings.feedback)."""
    booking = selectors.booking_for_detail(request.user, code)
    try:
        action(booking)
    except TransitionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message(booking))
    return redirect(booking)


@office_actor
@require_POST
def verify(request, code):
    form = VerifyForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("override_reason", "")
    return _act(request, code, lambda b: services.booking_verify(booking=b, actor=request.user, override_reason=reason), feedback.verified)


@office_actor
@require_POST
def priority(request, code):
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a priority and give a reason."))
        return redirect("bookings:detail", code=code)
    data = form.cleaned_data
    label = dict(PriorityForm.CHOICES)[data["priority"]]
    return _act(
        request, code,
        lambda b: services.booking_set_priority(booking=b, actor=request.user, priority=data["priority"], reason=data["reason"]),
        lambda b: feedback.priority(b, label),
    )


@office_actor
@require_POST
def assign(request, code):
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a staff member."))
        return redirect("bookings:detail", code=code)
    assignee = request.user if "claim" in request.POST else form.cleaned_data["assignee"]
    return _act(
        request, code, lambda b: services.booking_assign(booking=b, actor=request.user, assignee=assignee),
        lambda b: feedback.assigned(b, assignee),
    )


@office_actor
def send_proof(request, code):
    booking = selectors.booking_for_detail(request.user, code)
    form = ProofForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proof = services.proof_send(booking=booking, actor=request.user, file=form.cleaned_data["file"], note=form.cleaned_data["note"])
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, feedback.proof_sent(booking, proof.version))
            return redirect(booking)
    return render(request, "bookings/office/proof_form.html", {"form": form, "booking": booking})


@office_actor
@require_POST
def finish_production(request, code):
    form = ProductionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the quantity produced."))
        return redirect("bookings:detail", code=code)
    quantity = form.cleaned_data["quantity_produced"]
    return _act(
        request, code, lambda b: services.booking_finish_production(booking=b, actor=request.user, quantity_produced=quantity),
        lambda b: feedback.production_finished(b, quantity),
    )


@office_actor
def hand_over(request, code):
    booking = selectors.booking_for_detail(request.user, code)
    form = HandoverForm(request.POST or None, initial={"method": "owner"})
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_hand_over(booking=booking, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, feedback.handed_over(booking))
            return redirect(booking)
    return render(request, "bookings/office/handover_form.html", {"form": form, "booking": booking})

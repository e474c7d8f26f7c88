from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.permissions import owner_required
from bookings import feedback, hooks, selectors, services, workflow
from bookings.forms import (
    ApprovalForm, AssignForm, BookingForm, NoteForm, PriorityForm, ProductionForm, RevisionForm, TrackingForm, VerifyForm,
)
from bookings.models import Proof
from bookings.requirements import describe, missing_requirements
from bookings.tracking import absolute_tracking_url, booking_from_code, booking_from_token, qr_path, tracking_url
from core.files import protected_file_response
from core.qr import stored_qr
from products.labels import label_readiness
from products.selectors import products_for_owner_choice


@owner_required
def booking_create(request):
    """The request form. Context is carried in: ?produk=<product> from a product page, ?layanan=<slug>,
    and ?dari=<code> for printing the approved design of a design-only request (linked to it)."""
    products = products_for_owner_choice(request.user)
    services_qs = selectors.active_services()
    initial = {}
    if request.GET.get("layanan"):
        initial["service"] = services_qs.filter(slug=request.GET["layanan"]).first()
    if request.GET.get("produk"):
        initial["product"] = selectors.product_choice(products, request.GET["produk"])
    design = selectors.design_to_print(request.user, request.POST.get("follows") or request.GET.get("dari"))
    if design is not None and request.method == "GET":
        initial.update(product=design.product, follows=design.code, service=selectors.print_services(services_qs).first())
    form = BookingForm(request.POST or None, request.FILES or None, products=products, services=services_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_submit(
                actor=request.user,
                product=data["product"],
                service=data["service"],
                quantity=data["quantity"],
                desired_date=data["desired_date"],
                notes=data["notes"],
                reference_files=data["reference_files"],
                follows=design,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request %(code)s has been submitted. The office checks it, usually within one working day.")
                % {"code": booking.code},
            )
            return redirect(booking)
    context = {
        "form": form,
        "design": design,
        "has_products": bool(form.fields["product"].queryset),
        "services": services_qs,
        "tariffs": {
            str(s.pk): {"tariff": s.cost_for(1), "minimum": s.minimum_order, "days": s.lead_time_days, "unit": s.get_unit_display()}
            for s in services_qs
        },
        "cost_labels": {
            "choose": _("Choose a service and a quantity to see the cost."),
            "minimum": _("Minimum order: %(minimum)s."),
            "estimate": _("Estimated cost: %(cost)s"),
            "free": _("Free of charge"),
            "days": _("Usually ready about %(days)s working days after the office starts the work."),
        },
    }
    return render(request, "bookings/booking_form.html", context)


@login_required
def booking_list(request):
    page = Paginator(selectors.bookings_for_list(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "bookings/booking_list.html", {"page": page})


@login_required
def booking_detail(request, code):
    booking = selectors.booking_for_detail(request.user, code)
    is_own = booking.business.owner_id == request.user.pk
    actions = workflow.available(
        status=booking.status, kind=booking.service.workflow, roles=workflow.roles_of(request.user), is_own=is_own
    )
    can = {a.name: True for a in actions}  # templates ask ``can.verify``
    proofs = list(booking.proofs.all())
    context = {
        "booking": booking,
        "is_own": is_own,
        "actions": [a for a in actions if not a.special],
        "can": can,
        "path": workflow.path_for(booking.service.workflow),
        "done_steps": {event.to_status for event in booking.events.all()},
        "missing_documents": describe(missing_requirements(booking.service, booking.product)),
        "readiness": label_readiness(booking.product),
        "tracking_url": tracking_url(booking),
        "proofs": proofs,
        "pending_proof": next((p for p in proofs if p.decision == Proof.Decision.PENDING), None),
        "revision_rounds": sum(1 for p in proofs if p.decision == Proof.Decision.REVISION),
        "has_survey": is_own and booking.is_done and hasattr(booking, "survey"),
        "ready_since": selectors.ready_since(booking),
        "can_print_design": is_own and booking.service.workflow == workflow.WorkflowKind.DESIGN_ONLY
        and booking.status in services.PRINTABLE_DESIGN,
    }
    if request.user.acts_for_office and not booking.is_closed:
        context.update(
            verify_form=VerifyForm(),
            priority_form=PriorityForm(initial={"priority": booking.priority}),
            assign_form=AssignForm(initial={"assignee": booking.assignee_id}),
            production_form=ProductionForm(initial={"quantity_produced": booking.quantity}),
        )
    if workflow.Action.APPROVE in can:
        context.update(approval_form=ApprovalForm(), revision_form=RevisionForm())
    context["panels"] = [panel(request, booking) for panel in hooks.detail_panels]
    return render(request, "bookings/booking_detail.html", context)


@owner_required
def proof_decide(request, code, decision):
    """The owner approves the pending proof (with the checklist) or asks for a revision."""
    if decision not in ("setujui", "revisi"):
        raise Http404
    booking = selectors.booking_for_detail(request.user, code)
    if booking.business.owner_id != request.user.pk:
        raise Http404
    proof = booking.proofs.filter(decision=Proof.Decision.PENDING).order_by("-version").first()
    if proof is None:
        messages.info(request, _("There is no proof awaiting approval."))
        return redirect(booking)
    posted = request.POST if request.method == "POST" else None
    approval_form = ApprovalForm(posted if decision == "setujui" else None)
    revision_form = RevisionForm(posted if decision == "revisi" else None)
    form = approval_form if decision == "setujui" else revision_form
    if request.method == "POST" and form.is_valid():
        try:
            if decision == "setujui":
                services.proof_approve(booking=booking, actor=request.user, checklist=form.cleaned_data)
                messages.success(request, _("Thank you: the design is approved and goes to production."))
            else:
                services.proof_request_revision(booking=booking, actor=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, _("Your revision request was sent to the designer."))
        except workflow.TransitionError as error:
            messages.error(request, error.message)
        return redirect(booking)
    context = {
        "booking": booking, "proof": proof, "approval_form": approval_form, "revision_form": revision_form,
        "revision_rounds": sum(1 for p in booking.proofs.all() if p.decision == Proof.Decision.REVISION),
    }
    return render(request, "bookings/proof_review.html", context)


@login_required
def proof_file(request, public_id):
    proof = selectors.proof_for_user(request.user, public_id)
    return protected_file_response(proof.file, download_name=f"{proof.booking.code}-v{proof.version}")


@login_required
def work_order(request, code):
    """A printable work order / receipt with a QR code of the signed tracking link.

    The QR code is drawn by a Celery task when the request is submitted; a booking older than that
    (or made while the broker was down) gets it drawn here once and stored.
    """
    booking = selectors.booking_for_detail(request.user, code)
    link = absolute_tracking_url(booking)
    approved = next((p for p in booking.proofs.all() if p.decision == Proof.Decision.APPROVED), None)
    context = {"booking": booking, "qr": stored_qr(qr_path(booking), link, make=True), "link": link, "approved": approved}
    return render(request, "bookings/work_order.html", context)


@login_required
@require_POST
def booking_action(request, code, action):
    booking = selectors.booking_for_detail(request.user, code)
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    form = NoteForm(request.POST, label=transition.note_label) if transition.needs_note else None
    if form is not None and not form.is_valid():
        messages.error(request, _("Please fill in: %(what)s.") % {"what": transition.note_label})
        return redirect(booking)
    try:
        services.booking_transition(
            booking=booking, actor=request.user, name=action, note=form.cleaned_data["note"] if form else ""
        )
    except workflow.TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, feedback.transition(booking, transition.label))
    return redirect(booking)


@login_required
def reference_file(request, public_id):
    ref = selectors.reference_file_for_user(request.user, public_id)
    return protected_file_response(ref.file, download_name=ref.original_name)


@ratelimit(key="ip", rate=settings.RK_TRACKING_RATE, method="POST", block=True)
def track(request):
    form = TrackingForm(request.POST or None)
    booking = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        booking = booking_from_code(form.cleaned_data["code"], form.cleaned_data["last4"])
        not_found = booking is None
    context = {"form": form, "booking": booking, "not_found": not_found, "ready_since": booking and selectors.ready_since(booking)}
    return render(request, "bookings/track.html", context)


@ratelimit(key="ip", rate=settings.RK_TRACKING_LINK_RATE, block=True)
def track_link(request, token):
    booking = booking_from_token(token)
    if booking is None:
        raise Http404
    context = {"form": None, "booking": booking, "not_found": False, "ready_since": selectors.ready_since(booking)}
    return render(request, "bookings/track.html", context)

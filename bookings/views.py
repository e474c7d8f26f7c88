from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from bookings import selectors, services, workflow
from bookings.forms import BookingForm, NoteForm, TrackingForm
from bookings.models import ReferenceFile
from bookings.requirements import describe, missing_requirements
from bookings.tracking import booking_from_code, booking_from_token, tracking_url
from core.files import protected_file_response
from core.permissions import owner_required
from products.labels import label_readiness
from products.selectors import products_for_owner_choice


@owner_required
def booking_create(request):
    products = products_for_owner_choice(request.user)
    services_qs = selectors.active_services()
    initial = {}
    if request.GET.get("layanan"):
        initial["service"] = services_qs.filter(slug=request.GET["layanan"]).first()
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
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your request %(code)s has been submitted.") % {"code": booking.code})
            return redirect(booking)
    context = {
        "form": form,
        "has_products": bool(form.fields["product"].queryset),
        "services": services_qs,
        "tariffs": {str(s.pk): {"tariff": s.cost_for(1), "minimum": s.minimum_order} for s in services_qs},
        "cost_labels": {
            "choose": _("The cost estimate is shown here when you choose a service and quantity."),
            "minimum": _("Minimum order: %(minimum)s."),
            "estimate": _("Estimated cost: %(cost)s"),
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
    context = {
        "booking": booking,
        "is_own": is_own,
        "actions": [a for a in actions if not a.needs_proof],
        "path": workflow.path_for(booking.service.workflow),
        "done_steps": {event.to_status for event in booking.events.all()},
        "missing_documents": describe(missing_requirements(booking.service, booking.product)),
        "readiness": label_readiness(booking.product),
        "tracking_url": tracking_url(booking),
    }
    return render(request, "bookings/booking_detail.html", context)


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
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
    return redirect(booking)


@login_required
def reference_file(request, public_id):
    qs = ReferenceFile.objects.select_related("booking__business")
    if not request.user.is_office:
        qs = qs.filter(booking__business__owner=request.user)
    ref = get_object_or_404(qs, public_id=public_id)
    return protected_file_response(ref.file, download_name=ref.original_name)


@ratelimit(key="ip", rate=settings.RK_TRACKING_RATE, method="POST", block=True)
def track(request):
    form = TrackingForm(request.POST or None)
    booking = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        booking = booking_from_code(form.cleaned_data["code"], form.cleaned_data["last4"])
        not_found = booking is None
    return render(request, "bookings/track.html", {"form": form, "booking": booking, "not_found": not_found})


@ratelimit(key="ip", rate=settings.RK_TRACKING_RATE, block=True)
def track_link(request, token):
    booking = booking_from_token(token)
    if booking is None:
        raise Http404
    return render(request, "bookings/track.html", {"form": None, "booking": booking, "not_found": False})

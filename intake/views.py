"""Counter (loket) and guest-book (buku tamu) pages for PLUT staff and admins."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import acting_office_required as office_actor
from bookings.models import BookingChannel
from bookings.tracking import absolute_tracking_url
from core.phone import local_phone, normalize_phone
from core.qr import qr_svg
from intake import selectors, services
from intake.forms import CounterIntakeForm, VisitForm

PAPERS = ("a6", "a5", "80mm")


@office_actor
def counter(request):
    """Search as you type (the results partial refreshes alone), then take the request."""
    query = request.GET.get("q", "")[:100]
    businesses, owners = selectors.owner_search(query)
    context = {"query": query, "businesses": businesses, "owners": owners}
    if request.htmx:  # as the counter types (htmx): the results alone
        return render(request, "intake/partials/search_results.html", context)
    return render(request, "intake/counter.html", context)


def _initial_from(query: str, visit) -> dict:
    """What the staff member already typed (in the search, or in the guest book) is not asked again."""
    initial = {}
    if visit is not None:
        initial.update({"name": visit.name, "phone": visit.phone, "district": visit.district, "gender": visit.gender,
                        "notes": visit.note})
        return initial
    query = (query or "").strip()
    try:
        initial["phone"] = normalize_phone(query)
    except ValidationError:
        if query:
            initial["name"] = query
    return initial


@office_actor
def counter_new(request):
    owner = selectors.owner_for_counter(request.GET["pemilik"]) if request.GET.get("pemilik") else None
    visit = selectors.visit_for_request(request.GET["kunjungan"]) if request.GET.get("kunjungan") else None
    if visit is not None and owner is None and visit.owner_id:
        owner = visit.owner
    channel = request.GET.get("saluran", BookingChannel.COUNTER)
    if channel not in (BookingChannel.COUNTER, BookingChannel.WHATSAPP):
        channel = BookingChannel.COUNTER
    form = CounterIntakeForm(request.POST or None, request.FILES or None, owner=owner,
                             initial=_initial_from(request.GET.get("q", ""), visit))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.counter_intake_create(
                staff=request.user, channel=channel, visit=visit, client_uuid=form.cleaned_data.get("client_uuid"),
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Request %(code)s saved. The owner gets a WhatsApp message.") % {"code": result.booking.code})
            return redirect("intake:receipt", code=result.booking.code)
    return render(request, "intake/counter_form.html", {"form": form, "owner": owner, "visit": visit, "channel": channel})


@office_actor
def receipt(request, code):
    """The printable tanda terima: A6 by default, A5 or an 80 mm receipt printer on request."""
    booking = selectors.booking_for_receipt(code)
    paper = request.GET.get("kertas", "a6")
    if paper not in PAPERS:
        paper = "a6"
    url = absolute_tracking_url(booking)
    context = {
        "booking": booking, "paper": paper, "papers": PAPERS, "tracking_url": url, "qr": qr_svg(url),
        "office_hours": settings.RK_OFFICE_HOURS, "track_page": settings.RK_SITE_URL.rstrip("/") + reverse("bookings:track"),
        "phone_last4": booking.business.phone[-4:],
    }
    return render(request, "intake/receipt.html", context)


@office_actor
def visits(request):
    """The guest book: a quick entry form above today's visits."""
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_create(
                staff=request.user, purpose=data["purpose"], name=data.get("name", ""), phone=data.get("phone") or "",
                district=data.get("district"), gender=data.get("gender", ""), note=data.get("note", ""),
                duration_minutes=data.get("duration_minutes"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is in the guest book.") % {"name": visit.name})
            return redirect("intake:visits")
    day = timezone.localdate()
    return render(request, "intake/visits.html", {"form": form, "day": day, "visits": selectors.visits_of_day(day),
                                                  "local_phone": local_phone})

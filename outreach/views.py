"""Outreach pages: trips (office), the offline intake app (staff), its service worker and sync endpoint."""
import datetime
import hashlib
import json
import uuid
from functools import lru_cache, wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import acting_office_required as office_actor
from accounts.permissions import work_reader_required as office_reader
from core.uploads import clean_image
from outreach import selectors, services
from outreach.forms import IntakeForm, TripForm, VisitForm
from outreach.models import OutreachRecord

MAX_PHOTOS = 3

# Files the service worker keeps for the offline app (precached with a revision from their content).
APP_FILES = [
    "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js", "css/app.css",
    "vendor/idb-keyval/idb-keyval.umd.js", "js/outreach-store.js", "js/outreach-app.js", "js/app.js", "js/outreach-signout.js",
    "img/favicon.svg", "img/icon-192.png", "img/icon-512.png",
]
WORKBOX = ["core", "routing", "strategies", "precaching"]


def js_labels() -> dict:
    """Texts the outreach scripts show, translated on the server (the page is cached with them)."""
    return {
        "saved": _("Saved on this phone."), "queued": _("Saved to the queue. A new form is ready."),
        "save": _("Save to the queue"), "save_again": _("Save the correction"),
        "fill_required": _("Fill in the fields marked in red."), "photo": _("Photo %(n)s"),
        "remove_photo": _("Remove"), "edit": _("Correct"), "send_as_new": _("Send as a new record"),
        "guest_book": _("Guest book"), "online": _("Online"), "offline": _("Offline"),
        "sending": _("Sending…"), "sent": _("%(n)s sent."), "need_correction": _("%(n)s need correction."),
        "no_network": _("No network: sending resumes when the signal returns."),
        "server_error": _("The server had a problem: trying again shortly."),
        "known_owner": _("Already registered: %(owner)s (%(businesses)s). The request will be added to this owner."),
        "storage_persistent": _("Storage on this phone: %(mb)s MB, kept (the browser will not delete it)."),
        "storage_best_effort": _("Storage on this phone: %(mb)s MB. The browser did not promise to keep it: send often."),
        "preparing": _("Preparing…"), "prepared": _("This phone is ready for the trip, also without a network."),
        "prepare_failed": _("Preparing failed. Check the signal and try again."),
        "on_device": _("%(n)s records of this trip are on this phone and not yet sent (counted as collected)."),
        "states": {
            "draft": _("Draft"), "queued": _("Waiting"), "sending": _("Sending (locked)"),
            "error": _("Needs correction"), "conflict": _("Conflict"),
        },
    }


@office_reader
def trip_list(request):
    return render(request, "outreach/trip_list.html", {"trips": selectors.trips_for_list()})


@office_actor
def trip_create(request):
    form = TripForm(request.POST or None, initial={"team": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        trip = services.trip_save(trip=form.save(commit=False), actor=request.user, team=form.cleaned_data["team"])
        messages.success(request, _("Trip saved. Prepare the phones for it below while you have a signal."))
        return redirect(trip)
    return render(request, "outreach/trip_form.html", {"form": form})


@office_reader
def trip_detail(request, public_id):
    trip = selectors.trip_for_detail(public_id)
    records = list(selectors.trip_records(trip))
    context = {
        "trip": trip, "records": records, "app_url": f"{reverse('outreach:app')}#{trip.public_id}",
        "progress": min(100, round(100 * trip.synced / trip.target)) if trip.target else 0,
        "js_labels": js_labels(),
    }
    return render(request, "outreach/trip_detail.html", context)


@office_actor
@require_GET
def trip_data(request, public_id):
    """Reference data of a trip, cached by the service worker for days without a network."""
    trip = selectors.trip_for_sync(public_id)
    return JsonResponse(selectors.trip_reference_data(trip))


@office_actor
def app(request):
    """The offline intake app: one page for every trip (the trip is in the address's #fragment)."""
    context = {"intake_form": IntakeForm(), "visit_form": VisitForm(), "max_photos": MAX_PHOTOS,
               "js_labels": js_labels()}
    return render(request, "outreach/app.html", context)


@never_cache
@require_GET
def session(request):
    """Is the device's session still valid? Gives the CSRF token the sync requests carry."""
    user = request.user
    signed_in = user.is_authenticated and user.acts_for_office
    return JsonResponse({"signed_in": signed_in, "csrf": get_token(request) if signed_in else "",
                         "name": str(user) if signed_in else ""})


def _json_staff(view):
    """Staff or admin, answered in JSON: 401 when the session is gone (the app asks to sign in again)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"status": "signin", "message": _("Your session has ended. Sign in again.")}, status=401)
        if not request.user.acts_for_office:
            return JsonResponse({"status": "forbidden"}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


@_json_staff
@require_POST
def sync(request, public_id):
    """Receive one record from a device (multipart: ``record`` as JSON, ``photos`` as files); answer in JSON."""
    trip = selectors.trip_for_sync(public_id)
    try:
        record = json.loads(request.POST.get("record") or "")
        client_uuid = uuid.UUID(str(record["id"]))
        kind = record["kind"]
        fields = record["fields"]
        device_time_text = str(record["device_time"])
        device_time = parse_datetime(device_time_text)
        if kind not in OutreachRecord.Kind.values or not isinstance(fields, dict) or device_time is None:
            raise ValueError
        fields = {str(k): str(v) for k, v in fields.items()}
        if any("\x00" in k or "\x00" in v for k, v in fields.items()):
            raise ValueError  # no one types a NUL; PostgreSQL's JSON cannot store one
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"status": "bad_request", "message": _("The record could not be read.")}, status=400)
    if device_time.tzinfo is None:
        device_time = device_time.replace(tzinfo=datetime.UTC)
    uploads = request.FILES.getlist("photos")[:MAX_PHOTOS]
    raw = [upload.read() for upload in uploads]
    photos, photo_errors = [], []
    for upload in uploads:
        try:
            photos.append(clean_image(upload))
        except ValidationError as error:
            photo_errors.extend(error.messages)
    if photo_errors:
        return JsonResponse({"status": "invalid", "errors": {"photos": photo_errors}}, status=422)
    try:
        result = services.record_sync(
            actor=request.user, trip=trip, client_uuid=client_uuid, kind=kind, fields=fields, device_time=device_time,
            device_time_text=device_time_text, photos=photos, photo_bytes=raw,
        )
    except services.SyncConflict as conflict:
        return JsonResponse({"status": "conflict", "message": str(conflict)}, status=409)
    if not result.ok:
        return JsonResponse({"status": "invalid", "errors": result.errors}, status=422)
    booking = result.record.booking
    return JsonResponse({"status": "synced", "duplicate": not result.created, "id": str(client_uuid),
                         "booking": booking.code if booking else None})


@lru_cache(maxsize=1)
def _precache_entries() -> tuple:
    entries = []
    for path in APP_FILES:
        found = finders.find(path)
        revision = hashlib.sha256(open(found, "rb").read()).hexdigest()[:16] if found else None
        entries.append({"url": static(path), "revision": revision})
    return tuple(entries)


@require_GET
def service_worker(request):
    """The service worker, served from /jemput-bola/ so that its scope covers the app without a
    Service-Worker-Allowed header. Never cached by HTTP: the browser checks it for updates."""
    context = {
        "scripts": json.dumps(
            [static(f"vendor/workbox/workbox-{name}.prod.js") for name in WORKBOX]
            + [static("vendor/idb-keyval/idb-keyval.umd.js"), static("js/outreach-store.js")]
        ),
        "precache": json.dumps(list(_precache_entries())),
        "app_url": json.dumps(reverse("outreach:app")),
    }
    response = render(request, "outreach/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    data = {
        "name": _("Rumah Kemasan · Outreach"),
        "short_name": _("Outreach"),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else settings.LANGUAGE_CODE,
        "start_url": reverse("outreach:app"),
        "scope": reverse("outreach:trip_list"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    return response

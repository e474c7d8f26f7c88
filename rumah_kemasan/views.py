"""Pages of the site as a whole: they read from several apps, so they live on the top floor.

``landing`` shows the catalogue (bookings) and, optionally, the public summary (reports); ``home``
the owner's businesses, requests and documents; ``healthz`` the database and the broker.
"""
import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from accounts.selectors import businesses_for_list, documents_needing_attention
from accounts.services import user_set_language
from bookings.selectors import active_services, bookings_for_list, owner_to_do
from core.ip import client_ip
from reports.views import public_summary
from rumah_kemasan.health import health_report


def landing(request):
    context = {"services": active_services()}
    if settings.RK_PUBLIC_SUMMARY:
        context["public_summary"] = public_summary()
    return render(request, "pages/landing.html", context)


@login_required
def home(request):
    """The signed-in person's start page: an owner's overview, or the office's board."""
    user = request.user
    if user.is_office and not user.is_owner:
        return redirect("bookings:board")
    to_do = list(owner_to_do(user))
    context = {
        "to_do": to_do,
        "businesses": businesses_for_list(user),
        "recent_bookings": bookings_for_list(user).exclude(pk__in=[b.pk for b in to_do])[:5],
        "expiring_documents": documents_needing_attention(user),
    }
    return render(request, "pages/home.html", context)


def privacy(request):
    return render(request, "pages/privacy.html")


@never_cache
def healthz(request):
    """200 when everything answers and lives (rumah_kemasan/health.py), 503 otherwise; JSON either way.

    The details (queues without a worker, outbox counts) are for the operator: monitoring on the
    server itself (a loopback address, also through nginx) and signed-in admins. Anyone else, a
    load balancer or an uptime service, gets the status alone, with the same HTTP code."""
    report, ok = health_report()
    if not _sees_health_details(request):
        report = {"status": report.get("status", "ok" if ok else "error")}
    return JsonResponse(report, status=200 if ok else 503)


def _sees_health_details(request) -> bool:
    if request.user.is_authenticated and (request.user.is_superuser or request.user.is_staff):
        return True
    try:
        return ipaddress.ip_address(client_ip(request)).is_loopback
    except ValueError:
        return False


def set_language(request):
    """Django's switcher, and the choice saved on the account of a signed-in person."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\nAllow: /$\n", content_type="text/plain")

"""Pages of the site as a whole: they read from several apps, so they live on the top floor.

``landing`` shows the catalogue (bookings) and, optionally, the public summary (reports); ``home``
the owner's businesses, requests and documents; ``healthz`` the database and the broker.
"""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from accounts.selectors import businesses_for_list, documents_needing_attention
from accounts.services import user_set_language
from bookings.selectors import active_services, bookings_for_list, owner_to_do
from reports.views import public_summary
from rumah_kemasan.celery import app as celery_app


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
    """200 when the database answers; reports the broker's state too."""
    state = {"database": "ok", "broker": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "unknown"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        state["database"] = f"error: {error.__class__.__name__}"
        status = 503
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            state["broker"] = "ok"
        except Exception as error:  # noqa: BLE001
            state["broker"] = f"error: {error.__class__.__name__}"
            status = 503
    return JsonResponse(state, status=status)


def set_language(request):
    """Django's switcher, and the choice saved on the account of a signed-in person."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\nAllow: /$\n", content_type="text/plain")

"""URLs for benchmarks only (DJANGO_ROOT_URLCONF=benchmarks.urls): the app plus a bare reference view."""
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path

from bookings.models import Service


def bare(request):
    """The reference: one query, one small template."""
    return render(request, "benchmarks/bare.html", {"service": Service.objects.order_by("pk").first()})


def empty(request):
    """No query, no template: what is left is the handler and the middleware (benchmarks/middleware.py)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("bench/empty/", empty), path("", include("rumah_kemasan.urls"))]

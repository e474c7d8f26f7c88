"""URLs for benchmarks only (DJANGO_ROOT_URLCONF=benchmarks.urls): the app plus a bare reference view."""
from django.shortcuts import render
from django.urls import include, path

from bookings.models import Service


def bare(request):
    """The reference: one query, one small template."""
    return render(request, "benchmarks/bare.html", {"service": Service.objects.order_by("pk").first()})


urlpatterns = [path("bench/bare/", bare), path("", include("rumah_kemasan.urls"))]

"""URLs of the site-wide pages (namespace ``pages``)."""
from django.urls import path

from rumah_kemasan import views

app_name = "pages"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("beranda/", views.home, name="home"),
    path("privasi/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots, name="robots"),
]

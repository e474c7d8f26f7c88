from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("jemput-bola/", views.trip_list, name="trip_list"),
    path("jemput-bola/baru/", views.trip_create, name="trip_create"),
    path("jemput-bola/aplikasi/", views.app, name="app"),
    path("jemput-bola/sesi/", views.session, name="session"),
    path("jemput-bola/sw.js", views.service_worker, name="service_worker"),
    path("jemput-bola/manifest.webmanifest", views.manifest, name="manifest"),
    path("jemput-bola/<uuid:public_id>/", views.trip_detail, name="trip_detail"),
    path("jemput-bola/<uuid:public_id>/data.json", views.trip_data, name="trip_data"),
    path("jemput-bola/<uuid:public_id>/kirim/", views.sync, name="sync"),
]

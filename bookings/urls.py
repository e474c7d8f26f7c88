from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    path("permohonan/", views.booking_list, name="list"),
    path("permohonan/baru/", views.booking_create, name="create"),
    path("permohonan/<str:code>/", views.booking_detail, name="detail"),
    path("permohonan/<str:code>/aksi/<slug:action>/", views.booking_action, name="action"),
    path("lampiran/<uuid:public_id>/", views.reference_file, name="reference_file"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:token>/", views.track_link, name="track_link"),
]

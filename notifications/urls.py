from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifikasi/", views.inbox, name="inbox"),
    path("notifikasi/belum-dibaca/", views.unread, name="unread"),
    path("notifikasi/<int:pk>/buka/", views.open_notification, name="open"),
    path("notifikasi/tandai-dibaca/", views.mark_all_read, name="mark_all_read"),
    path("webhooks/whatsapp/<str:token>/", views.whatsapp_webhook, name="whatsapp_webhook"),
]

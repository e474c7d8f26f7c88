from django.urls import path

from payments import webhooks

app_name = "payments"

urlpatterns = [
    path("bayar/webhook/<slug:provider>/", webhooks.webhook, name="webhook"),
]

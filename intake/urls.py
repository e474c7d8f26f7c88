from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("loket/", views.counter, name="counter"),
    path("loket/baru/", views.counter_new, name="counter_new"),
    path("loket/tanda-terima/<str:code>/", views.receipt, name="receipt"),
    path("buku-tamu/", views.visits, name="visits"),
]

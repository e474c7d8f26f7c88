from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("laporan/", views.report, name="report"),
    path("laporan/ekspor/", views.export, name="export"),
    path("laporan/ekspor/status/", views.exports_status, name="exports_status"),
    path("laporan/ekspor/<int:pk>/", views.download, name="download"),
    path("laporan/keuangan/", views.money_report, name="money"),
    path("laporan/keuangan/unduh.<slug:fmt>", views.money_export, name="money_export"),
    path("permohonan/<str:code>/survei/", views.survey, name="survey"),
]

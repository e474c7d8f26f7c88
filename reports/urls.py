from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("laporan/", views.report, name="report"),
    path("laporan/ekspor/", views.export, name="export"),
    path("laporan/ekspor/<int:pk>/", views.download, name="download"),
    path("permohonan/<str:code>/survei/", views.survey, name="survey"),
]

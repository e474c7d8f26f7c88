from django.urls import path

from materials import views

app_name = "materials"

urlpatterns = [
    path("gudang/", views.store, name="store"),
    path("gudang/bahan/<int:pk>/", views.material_detail, name="detail"),
    path("gudang/bahan/<int:pk>/masuk/", views.receive, name="receive"),
    path("gudang/bahan/<int:pk>/penyesuaian/", views.adjust, name="adjust"),
]

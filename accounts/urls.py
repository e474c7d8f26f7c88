from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("daftar/", views.register, name="register"),
    path("profil/", views.profile, name="profile"),
    path("profil/data-saya/", views.my_data, name="my_data"),
    path("profil/hapus-data/", views.request_deletion, name="request_deletion"),
    path("usaha/", views.business_list, name="business_list"),
    path("usaha/baru/", views.business_create, name="business_create"),
    path("usaha/<uuid:public_id>/", views.business_detail, name="business_detail"),
    path("usaha/<uuid:public_id>/ubah/", views.business_edit, name="business_edit"),
    path("usaha/<uuid:public_id>/dokumen/baru/", views.document_add, name="document_add"),
    path("dokumen/<uuid:public_id>/hapus/", views.document_delete, name="document_delete"),
    path("dokumen/<uuid:public_id>/berkas/", views.document_scan, name="document_scan"),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("daftar/", views.register, name="register"),
    path("lupa-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path("lupa-sandi/terkirim/", auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("atur-sandi/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("atur-sandi/selesai/", auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("masuk-wa/", views.code_request, name="code_request"),
    path("lupa-sandi/wa/", views.code_request, {"purpose": "reset"}, name="code_reset"),
    path("masuk-wa/kode/", views.code_verify, name="code_verify"),
    path("sandi-baru/", views.password_set, name="password_set"),
    path("klaim/<str:token>/", views.claim, name="claim"),
    path("admin-kantor/gabung-akun/", views.owner_merge, name="owner_merge"),
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

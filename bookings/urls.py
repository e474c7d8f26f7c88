from django.urls import path

from bookings import office_views, views

app_name = "bookings"

urlpatterns = [
    path("permohonan/", views.booking_list, name="list"),
    path("permohonan/baru/", views.booking_create, name="create"),
    path("permohonan/<str:code>/", views.booking_detail, name="detail"),
    path("permohonan/<str:code>/aksi/<slug:action>/", views.booking_action, name="action"),
    path("permohonan/<str:code>/draf/<slug:decision>/", views.proof_decide, name="proof_decide"),
    path("permohonan/<str:code>/surat-kerja/", views.work_order, name="work_order"),
    path("permohonan/<str:code>/verifikasi/", office_views.verify, name="verify"),
    path("permohonan/<str:code>/prioritas/", office_views.priority, name="priority"),
    path("permohonan/<str:code>/tugaskan/", office_views.assign, name="assign"),
    path("permohonan/<str:code>/kirim-draf/", office_views.send_proof, name="send_proof"),
    path("permohonan/<str:code>/produksi-selesai/", office_views.finish_production, name="finish_production"),
    path("permohonan/<str:code>/serah-terima/", office_views.hand_over, name="hand_over"),
    path("draf/<uuid:public_id>/", views.proof_file, name="proof_file"),
    path("petugas/", office_views.board, name="board"),
    path("petugas/daftar/", office_views.booking_table, name="table"),
    path("petugas/hari-ini/", office_views.today, name="today"),
    path("petugas/verifikasi/", office_views.bulk_verify, name="bulk_verify"),
    path("lampiran/<uuid:public_id>/", views.reference_file, name="reference_file"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:token>/", views.track_link, name="track_link"),
]

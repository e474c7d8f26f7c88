from django.urls import path

from payments import views, webhooks

app_name = "payments"

urlpatterns = [
    path("permohonan/<str:code>/penawaran/", views.quotation_issue, name="quotation"),
    path("permohonan/<str:code>/penawaran/terima/", views.quotation_accept, name="quotation_accept"),
    path("permohonan/<str:code>/bayar/", views.payment_record, name="pay"),
    path("permohonan/<str:code>/bayar/transfer/", views.transfer_submit, name="transfer"),
    path("permohonan/<str:code>/bayar/qris/", views.qris_create, name="qris"),
    path("permohonan/<str:code>/bayar/kembali/", views.refund, name="refund"),
    path("bayar/transfer/<uuid:public_id>/bukti/", views.claim_proof, name="claim_proof"),
    path("bayar/transfer/<uuid:public_id>/konfirmasi/", views.claim_confirm, name="claim_confirm"),
    path("bayar/transfer/<uuid:public_id>/tolak/", views.claim_reject, name="claim_reject"),
    path("bayar/kuitansi/<uuid:public_id>/", views.receipt, name="receipt"),
    path("bayar/entri/<uuid:public_id>/koreksi/", views.entry_reverse, name="reverse"),
    path("bayar/webhook/<slug:provider>/", webhooks.webhook, name="webhook"),
    path("bendahara/", views.desk, name="desk"),
    path("bendahara/tutup-hari/", views.day_close, name="day_close"),
    path("bendahara/buku-kas/", views.cash_book, name="cash_book"),
    path("kuota/", views.quota, name="quota"),
]

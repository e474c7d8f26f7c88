from django.urls import path

from products import views

app_name = "products"

urlpatterns = [
    path("usaha/<uuid:business_id>/produk/baru/", views.product_create, name="create"),
    path("produk/<uuid:public_id>/", views.product_detail, name="detail"),
    path("produk/<uuid:public_id>/ubah/", views.product_edit, name="edit"),
    path("produk/<uuid:public_id>/foto/", views.photo_upload, name="photo_upload"),
    path("foto/<uuid:public_id>/hapus/", views.photo_delete, name="photo_delete"),
    path("foto/<uuid:public_id>/", views.photo_file, name="photo"),
    path("foto/<uuid:public_id>/kecil/", views.photo_file, {"size": "thumb"}, name="photo_thumb"),
]

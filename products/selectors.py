from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accounts.models import LegalityDocument
from products.models import Product, ProductPhoto


def visible_products(user):
    return Product.objects.visible_to(user)


def products_for_owner_choice(user):
    """The owner's products with their business, for choice lists (one query)."""
    return Product.objects.filter(business__owner=user).select_related("business").order_by("business__name", "name")


def product_for_detail(user, public_id) -> Product:
    qs = visible_products(user).select_related("business__district").prefetch_related(
        "photos",
        Prefetch("documents", queryset=LegalityDocument.objects.order_by("kind")),
        Prefetch("business__documents", queryset=LegalityDocument.objects.filter(product__isnull=True)),
    )
    return get_object_or_404(qs, public_id=public_id)


def photo_for_user(user, public_id):
    qs = ProductPhoto.objects.visible_to(user).select_related("product__business")
    return get_object_or_404(qs, public_id=public_id)

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accounts.models import LegalityDocument
from products.models import Product


def visible_products(user):
    qs = Product.objects.all()
    if not user.is_office:
        qs = qs.filter(business__owner=user)
    return qs


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
    from products.models import ProductPhoto

    qs = ProductPhoto.objects.select_related("product__business")
    if not user.is_office:
        qs = qs.filter(product__business__owner=user)
    return get_object_or_404(qs, public_id=public_id)

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from accounts.models import Business, LegalityDocument


def visible_businesses(user):
    qs = Business.objects.all()
    if not user.is_office:
        qs = qs.filter(owner=user)
    return qs


def businesses_for_list(user):
    return (
        visible_businesses(user)
        .select_related("district")
        .annotate(product_count=Count("products", distinct=True), booking_count=Count("bookings", distinct=True))
        .order_by("name")
    )


def business_for_detail(user, public_id) -> Business:
    from products.models import Product

    qs = visible_businesses(user).select_related("district", "owner").prefetch_related(
        Prefetch("documents", queryset=LegalityDocument.objects.select_related("product")),
        Prefetch("products", queryset=Product.objects.order_by("name")),
    )
    return get_object_or_404(qs, public_id=public_id)


def documents_needing_attention(user):
    """The owner's documents that expired or expire within the warning period, soonest first."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    horizon = timezone.localdate() + datetime.timedelta(days=settings.RK_DOCUMENT_EXPIRY_WARNING_DAYS)
    return (
        LegalityDocument.objects.filter(business__owner=user, is_pending=False, expires_on__lte=horizon)
        .select_related("business", "product")
        .order_by("expires_on")
    )


def document_for_user(user, public_id) -> LegalityDocument:
    qs = LegalityDocument.objects.select_related("business", "product")
    if not user.is_office:
        qs = qs.filter(business__owner=user)
    return get_object_or_404(qs, public_id=public_id)

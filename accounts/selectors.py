import datetime

from django.conf import settings
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Business, LegalityDocument, User
from accounts.roles import ACTING_OFFICE_ROLES


def office_users():
    """Active staff and admins (the people work can be assigned to). A subquery on the group
    membership table (not a DISTINCT join), so the thousands of owner accounts are never scanned."""
    members = User.groups.through.objects.filter(group__name__in=ACTING_OFFICE_ROLES).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("name")


def visible_businesses(user):
    return Business.objects.visible_to(user)


def businesses_for_list(user):
    return (
        visible_businesses(user)
        .select_related("district")
        .annotate(product_count=Count("products", distinct=True), booking_count=Count("bookings", distinct=True))
        .order_by("name")
    )


def business_for_detail(user, public_id) -> Business:
    qs = visible_businesses(user).select_related("district", "owner").prefetch_related(
        Prefetch("documents", queryset=LegalityDocument.objects.select_related("product")),
        "products",  # in the product's own order (by name)
    )
    return get_object_or_404(qs, public_id=public_id)


def documents_needing_attention(user):
    """The owner's documents that expired or expire within the warning period, soonest first."""
    horizon = timezone.localdate() + datetime.timedelta(days=settings.RK_DOCUMENT_EXPIRY_WARNING_DAYS)
    return (
        LegalityDocument.objects.filter(business__owner=user, is_pending=False, expires_on__lte=horizon)
        .select_related("business", "product")
        .order_by("expires_on")
    )


def document_for_user(user, public_id) -> LegalityDocument:
    qs = LegalityDocument.objects.visible_to(user).select_related("business", "product")
    return get_object_or_404(qs, public_id=public_id)

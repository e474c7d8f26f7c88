"""Writes for products and their photos."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Business
from core.tasks import enqueue_after_commit
from core.uploads import CleanFile, make_thumbnail
from products import tasks
from products.models import Product, ProductPhoto


def product_save(*, product: Product, business: Business | None = None) -> Product:
    if business is not None:
        product.business = business
    product.full_clean()
    product.save()
    return product


def photos_add(*, product: Product, photos: list[CleanFile]) -> list[ProductPhoto]:
    """Store already validated photos; thumbnails are made by a Celery task after commit."""
    with transaction.atomic():
        # Lock the product so two uploads at once cannot pass the limit together.
        Product.objects.select_for_update().filter(pk=product.pk).first()
        room = settings.RK_MAX_PHOTOS_PER_PRODUCT - product.photos.count()
        if len(photos) > room:
            raise ValidationError(
                {"photos": _("A product can have at most %(max)d photos; %(room)d more can be added.")
                 % {"max": settings.RK_MAX_PHOTOS_PER_PRODUCT, "room": max(room, 0)}}
            )
        created = [ProductPhoto.objects.create(product=product, image=photo.content) for photo in photos]
        for photo in created:
            enqueue_after_commit(tasks.make_photo_thumbnail, photo.pk)  # without it, the full photo is shown
    return created


def photo_thumbnail_make(*, photo: ProductPhoto) -> None:
    if photo.thumbnail:
        return
    with photo.image.open("rb") as handle:
        thumbnail = make_thumbnail(handle.read(), settings.RK_THUMBNAIL_EDGE)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save(update_fields=["thumbnail", "updated_at"])


def photo_delete(*, photo: ProductPhoto) -> None:
    files = [f for f in (photo.image, photo.thumbnail) if f]
    photo.delete()
    for field_file in files:
        transaction.on_commit(lambda f=field_file: f.storage.delete(f.name))

"""Celery tasks of products, thin. ``services`` enqueues them and they call ``services``: the two
import each other as modules, which Python resolves whichever comes first."""
from celery import shared_task

from products import services
from products.models import ProductPhoto


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_photo_thumbnail(photo_id: int) -> None:
    photo = ProductPhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnail:
        return
    services.photo_thumbnail_make(photo=photo)

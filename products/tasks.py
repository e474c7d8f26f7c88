from celery import shared_task

from products.models import ProductPhoto


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_photo_thumbnail(photo_id: int) -> None:
    photo = ProductPhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnail:
        return
    from products.services import photo_thumbnail_make

    photo_thumbnail_make(photo=photo)

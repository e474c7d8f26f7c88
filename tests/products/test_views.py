import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from products.models import Product, ProductPhoto
from tests.conftest import image_bytes


def product_post(**overrides):
    data = {
        "name": "Sagu Lempeng",
        "category": "food",
        "ingredients": "Tepung sagu, gula",
        "net_content": "250",
        "net_content_unit": "g",
        "shelf_life_days": "90",
        "packaging_material": "2",
    }
    data.update(overrides)
    return data


def test_owner_creates_product_with_photos_and_thumbnails_are_made(owner_client, business, django_capture_on_commit_callbacks):
    photos = [SimpleUploadedFile(f"p{i}.jpg", image_bytes("JPEG", size=(900, 600)), "image/jpeg") for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = owner_client.post(
            reverse("products:create", kwargs={"business_id": business.public_id}), {**product_post(), "photos": photos}
        )
    assert response.status_code == 302
    product = Product.objects.get(business=business)
    assert product.photos.count() == 2
    assert len(callbacks) == 2  # one thumbnail task per photo, enqueued after commit
    for photo in product.photos.all():
        assert photo.thumbnail and not photo.image.name.endswith("p0.jpg")


def test_thumbnail_is_not_made_inside_the_request(owner_client, business, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        owner_client.post(
            reverse("products:create", kwargs={"business_id": business.public_id}),
            {**product_post(), "photos": [SimpleUploadedFile("a.jpg", image_bytes("JPEG"), "image/jpeg")]},
        )
    photo = ProductPhoto.objects.get()
    assert not photo.thumbnail


def test_bad_photo_gives_message_and_keeps_typed_data(owner_client, business):
    response = owner_client.post(
        reverse("products:create", kwargs={"business_id": business.public_id}),
        {**product_post(name="Kue Bagea"), "photos": [SimpleUploadedFile("x.jpg", b"not an image" * 20, "image/jpeg")]},
    )
    assert response.status_code == 200
    assert "x.jpg" in response.context["form"].errors["photos"][0]
    assert 'value="Kue Bagea"' in response.content.decode()
    assert not Product.objects.exists()


def test_photo_limit_is_enforced(owner_client, product, settings):
    settings.RK_MAX_PHOTOS_PER_PRODUCT = 2
    url = reverse("products:photo_upload", kwargs={"public_id": product.public_id})
    files = [SimpleUploadedFile(f"{i}.png", image_bytes("PNG"), "image/png") for i in range(2)]
    assert owner_client.post(url, {"photos": files}).status_code == 302
    response = owner_client.post(url, {"photos": [SimpleUploadedFile("3.png", image_bytes("PNG"), "image/png")]})
    assert response.status_code == 200
    assert product.photos.count() == 2


def test_photo_is_served_only_through_the_permission_view(owner_client, product, client, other_owner):
    owner_client.post(
        reverse("products:photo_upload", kwargs={"public_id": product.public_id}),
        {"photos": [SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")]},
    )
    photo = product.photos.get()
    url = reverse("products:photo", kwargs={"public_id": photo.public_id})
    response = owner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    owner_client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(other_owner)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("field, value", [("main_ingredient_percent", "120"), ("net_content", "-5"), ("category", "rocket")])
def test_bad_product_values_are_named(owner_client, business, field, value):
    response = owner_client.post(
        reverse("products:create", kwargs={"business_id": business.public_id}),
        {**product_post(main_ingredient="Sagu"), field: value},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors

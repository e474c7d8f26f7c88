"""An owner never reaches another owner's data: every object URL answers 404 to another owner."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.services import document_add
from bookings.services import booking_submit
from core.uploads import clean_image, clean_image_or_pdf
from products.services import photos_add
from tests.conftest import image_bytes


@pytest.fixture
def owner_data(owner, business, product, pouch):
    jpeg = lambda: clean_image(SimpleUploadedFile("a.jpg", image_bytes("JPEG"), "image/jpeg"))  # noqa: E731
    document = document_add(
        business=business, product=product, kind="pirt", number="206327101012329", is_pending=False,
        scan=clean_image_or_pdf(SimpleUploadedFile("s.jpg", image_bytes("JPEG"), "image/jpeg")),
    )
    photo = photos_add(product=product, photos=[jpeg()])[0]
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100, reference_files=[jpeg()])
    return {"business": business, "product": product, "document": document, "photo": photo, "booking": booking}


def object_urls(d):
    b, p, doc, photo, booking = d["business"], d["product"], d["document"], d["photo"], d["booking"]
    return [
        ("get", reverse("accounts:business_detail", kwargs={"public_id": b.public_id})),
        ("get", reverse("accounts:business_edit", kwargs={"public_id": b.public_id})),
        ("post", reverse("accounts:business_edit", kwargs={"public_id": b.public_id})),
        ("get", reverse("accounts:document_add", kwargs={"public_id": b.public_id})),
        ("post", reverse("accounts:document_add", kwargs={"public_id": b.public_id})),
        ("post", reverse("accounts:document_delete", kwargs={"public_id": doc.public_id})),
        ("get", reverse("accounts:document_scan", kwargs={"public_id": doc.public_id})),
        ("get", reverse("products:create", kwargs={"business_id": b.public_id})),
        ("post", reverse("products:create", kwargs={"business_id": b.public_id})),
        ("get", reverse("products:detail", kwargs={"public_id": p.public_id})),
        ("get", reverse("products:edit", kwargs={"public_id": p.public_id})),
        ("post", reverse("products:edit", kwargs={"public_id": p.public_id})),
        ("get", reverse("products:photo_upload", kwargs={"public_id": p.public_id})),
        ("post", reverse("products:photo_upload", kwargs={"public_id": p.public_id})),
        ("post", reverse("products:photo_delete", kwargs={"public_id": photo.public_id})),
        ("get", reverse("products:photo", kwargs={"public_id": photo.public_id})),
        ("get", reverse("products:photo_thumb", kwargs={"public_id": photo.public_id})),
        ("get", reverse("bookings:detail", kwargs={"code": booking.code})),
        ("post", reverse("bookings:action", kwargs={"code": booking.code, "action": "cancel"})),
        ("get", reverse("bookings:reference_file", kwargs={"public_id": booking.reference_files.get().public_id})),
    ]


def test_every_object_url_of_one_owner_is_404_to_another(client, other_owner, owner_data):
    client.force_login(other_owner)
    for method, url in object_urls(owner_data):
        response = getattr(client, method)(url, {"note": "x"} if method == "post" else None)
        assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
    booking = owner_data["booking"]
    booking.refresh_from_db()
    assert booking.status == "diajukan"
    assert owner_data["product"].photos.count() == 1 and owner_data["business"].documents.count() == 1


def test_the_owner_reaches_all_of_them(client, owner, owner_data):
    client.force_login(owner)
    for method, url in object_urls(owner_data):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_lists_show_only_own_data(client, other_owner, owner_data):
    client.force_login(other_owner)
    assert owner_data["booking"].code not in client.get(reverse("bookings:list")).content.decode()
    assert owner_data["business"].name not in client.get(reverse("accounts:business_list")).content.decode()
    form = client.get(reverse("bookings:create")).context["form"]
    assert not form.fields["product"].queryset.exists()


def test_owner_cannot_book_another_owners_product_by_posting_its_id(client, other_owner, owner_data, pouch):
    client.force_login(other_owner)
    response = client.post(reverse("bookings:create"), {"product": owner_data["product"].pk, "service": pouch.pk, "quantity": 100})
    assert response.status_code == 200
    assert "product" in response.context["form"].errors


def test_staff_reach_every_booking_but_not_the_admin(client, staff, owner_data):
    client.force_login(staff)
    assert client.get(reverse("bookings:detail", kwargs={"code": owner_data["booking"].code})).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login: not staff of Django admin
    assert client.get(reverse("admin:bookings_booking_changelist")).status_code == 302


def test_staff_cannot_edit_an_owners_business(client, staff, owner_data):
    client.force_login(staff)
    url = reverse("accounts:business_edit", kwargs={"public_id": owner_data["business"].public_id})
    assert client.get(url).status_code == 403


def test_admin_reaches_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:bookings_booking_changelist")).status_code == 200


def test_anonymous_is_sent_to_login(client, owner_data):
    for method, url in object_urls(owner_data):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url

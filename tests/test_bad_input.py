"""Garbage in the public and owner forms gives a message next to the field, never a 500."""
import pytest
from django.urls import reverse

GARBAGE = ["", " ", "-1", "0", "abc", "9" * 40, "<script>alert(1)</script>", "2026-13-45", "'; DROP TABLE x; --", "ü" * 300]


@pytest.mark.parametrize("value", GARBAGE)
def test_booking_form_survives_garbage(owner_client, product, value):
    data = {"product": value, "service": value, "quantity": value, "desired_date": value, "notes": value * 10}
    response = owner_client.post(reverse("bookings:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("value", GARBAGE)
def test_business_form_survives_garbage(owner_client, value):
    fields = ["name", "owner_name", "owner_gender", "legal_form", "nib", "sector", "scale", "address", "district", "phone", "email"]
    response = owner_client.post(reverse("accounts:business_create"), {f: value for f in fields})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("value", GARBAGE)
def test_product_and_document_forms_survive_garbage(owner_client, business, value):
    fields = ["name", "category", "main_ingredient_percent", "net_content", "net_content_unit", "shelf_life_days",
              "packaging_material", "length_mm"]
    response = owner_client.post(reverse("products:create", kwargs={"business_id": business.public_id}), {f: value for f in fields})
    assert response.status_code == 200 and response.context["form"].errors
    fields = ["kind", "product", "number", "issued_on", "expires_on", "is_pending"]
    response = owner_client.post(reverse("accounts:document_add", kwargs={"public_id": business.public_id}), {f: value for f in fields})
    assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.parametrize("value", GARBAGE)
def test_registration_and_tracking_survive_garbage(client, db, value):
    fields = ["name", "username", "phone", "email", "password1", "password2", "consent"]
    response = client.post(reverse("accounts:register"), {f: value for f in fields})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(reverse("bookings:track"), {"code": value, "last4": value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/permohonan/%3Cx%3E/", "/permohonan/RK-2026-00001/aksi/explode/", "/produk/not-a-uuid/", "/lacak/%00/",
     "/permohonan/?page=abc", "/permohonan/baru/?layanan=%00", "/usaha/00000000-0000-0000-0000-000000000000/",
     "/permohonan/RK%002026/", "/lacak/?code=%00"],
)
def test_odd_urls_never_500(owner_client, url):
    assert owner_client.get(url).status_code in (200, 400, 404, 405)


def test_document_form_with_bad_product_query_is_fine(owner_client, business):
    url = reverse("accounts:document_add", kwargs={"public_id": business.public_id})
    assert owner_client.get(url + "?product=zzz&kind=<b>").status_code == 200


def test_nul_bytes_in_posted_fields_are_refused_by_the_form(client, db):
    response = client.post(reverse("bookings:track"), {"code": "RK\x002026", "last4": "1234"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors

"""The owner's whole first journey through Django's test client, as a person on a phone would do it."""
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Business, District, User
from bookings.models import Booking
from bookings.workflow import Status
from products.models import Product
from tests.conftest import image_bytes


def test_owner_registers_records_business_and_product_requests_and_follows(db, client, django_capture_on_commit_callbacks):
    # Register (consent recorded) and land on the business form.
    response = client.post(
        reverse("accounts:register"),
        {"name": "Ina Latuconsina", "username": "ina", "phone": "0812 3456 7890", "email": "",
         "password1": "sagu-lempeng-99", "password2": "sagu-lempeng-99", "consent": "on"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:business_create")
    user = User.objects.get(username="ina")
    assert user.is_owner and user.consent_at and user.phone == "+6281234567890"

    # The business.
    response = client.post(
        reverse("accounts:business_create"),
        {"name": "Sagu Mama Ina", "owner_name": "Ina", "legal_form": "individual", "nib": "9120001234567",
         "sector": "food", "scale": "mikro", "address": "Jl. Sultan Hairun 5, Ambon",
         "district": District.objects.get(name="Kota Ambon").pk, "phone": "081234567890"},
    )
    business = Business.objects.get(owner=user)
    assert response["Location"] == reverse("products:create", kwargs={"business_id": business.public_id})

    # The product, with a photo.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            response["Location"],
            {"name": "Sagu Lempeng", "category": "food", "ingredients": "Sagu, kenari", "net_content": "250",
             "net_content_unit": "g", "packaging_material": "2",
             "photos": [SimpleUploadedFile("sagu.jpg", image_bytes("JPEG"), "image/jpeg")]},
        )
    product = Product.objects.get(business=business)
    assert response["Location"] == product.get_absolute_url()
    detail = client.get(product.get_absolute_url())
    assert "Kesiapan label" in detail.content.decode()  # label readiness is shown, in Indonesian

    # A P-IRT document for the product.
    response = client.post(
        reverse("accounts:document_add", kwargs={"public_id": business.public_id}),
        {"kind": "pirt", "product": product.pk, "number": "P-IRT No. 2063271010123-29"},
    )
    assert response.status_code == 302
    # Kept as typed (dash and all); compared in its canonical form.
    from accounts.legality import normalize_number

    assert product.documents.get().number == "P-IRT No. 2063271010123-29"
    assert normalize_number("pirt", product.documents.get().number) == "206327101012329"

    # The request: below the minimum first (message, nothing lost), then right.
    form = client.get(reverse("bookings:create"))
    assert form.status_code == 200
    pouch_id = form.context["form"].fields["service"].queryset.get(slug="kemasan-standing-pouch").pk
    data = {"product": product.pk, "service": pouch_id, "quantity": "10", "notes": "Warna hijau"}
    response = client.post(reverse("bookings:create"), data)
    assert response.status_code == 200
    assert "100" in response.context["form"].errors["quantity"][0]  # beside the field
    assert "Warna hijau" in response.content.decode()
    assert not Booking.objects.exists()

    data["quantity"] = "300"
    data["reference_files"] = [SimpleUploadedFile("logo.png", image_bytes("PNG"), "image/png")]
    response = client.post(reverse("bookings:create"), data)
    booking = Booking.objects.get()
    assert response["Location"] == booking.get_absolute_url()
    assert re.fullmatch(r"RK-\d{4}-00001", booking.code)
    assert booking.estimated_cost == 750_000

    # "Permohonan saya" and the detail with its timeline and cost.
    listing = client.get(reverse("bookings:list")).content.decode()
    assert booking.code in listing
    page = client.get(booking.get_absolute_url()).content.decode()
    assert "Rp 750.000" in page and "Diajukan" in page
    assert booking.reference_files.get().original_name == "logo.jpg"  # an opaque PNG is re-encoded as JPEG

    # Cancel with a reason.
    response = client.post(
        reverse("bookings:action", kwargs={"code": booking.code, "action": "cancel"}), {"note": "Ganti desain dulu"}
    )
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    assert booking.events.last().note == "Ganti desain dulu"


def test_cancel_without_reason_is_refused_with_a_message(owner_client, owner, product, pouch):
    from bookings.services import booking_submit

    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    response = owner_client.post(reverse("bookings:action", kwargs={"code": booking.code, "action": "cancel"}), {"note": ""}, follow=True)
    booking.refresh_from_db()
    assert booking.status == Status.SUBMITTED
    assert any("Alasan" in str(m) for m in response.context["messages"])

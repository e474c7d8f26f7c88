import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Business, District, OwnerPhone, User
from bookings.models import Booking
from intake.models import Visit
from tests.conftest import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def new_owner_post(**extra):
    data = {
        "name": "Ina Latuconsina", "phone": "0813 1111 2222", "gender": "female",
        "district": District.objects.get(name="Kota Ambon").pk, "sector": "food", "scale": "mikro",
        "consent": "on", "turnover_band": "lt5m", "product_name": "Keripik sukun",
        "service": 0, "quantity": 200,
        "photo": SimpleUploadedFile("p.jpg", image_bytes("JPEG"), "image/jpeg"),
    }
    data.update(extra)
    return data


def test_search_finds_by_number_name_business_and_nib(staff_client, business):
    OwnerPhone.objects.create(user=business.owner, phone=business.phone)
    business.nib = "9120001234567"
    business.save()
    for query in ("0812 9876", business.name[:5], business.owner.name[:4], "9120001234567"):
        response = staff_client.get(reverse("intake:counter"), {"q": query}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert business.name in response.content.decode(), query
    miss = staff_client.get(reverse("intake:counter"), {"q": "zzzzqq"}, headers={"HX-Request": "true"})
    assert business.name not in miss.content.decode() and "New owner" in miss.content.decode() or "Pemilik baru" in miss.content.decode()


def test_search_query_budget(staff_client, django_assert_num_queries):
    for i in range(5):
        from tests.factories import BusinessFactory

        BusinessFactory(name=f"Sagu {i}")
    # session + user (2), the user's roles (1), businesses with owner and district (1), owners without business (1)
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("intake:counter"), {"q": "Sagu"}, headers={"HX-Request": "true"})
    assert response.content.decode().count("?pemilik=") == 5


def test_counter_new_owner_creates_everything_and_shows_receipt(staff_client, pouch, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("intake:counter_new"), new_owner_post(service=pouch.pk))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:receipt", kwargs={"code": booking.code})
    assert booking.channel == "counter" and booking.entered_by == staff and booking.product.photos.count() == 1
    receipt = staff_client.get(response["Location"])
    text = receipt.content.decode()
    assert booking.code in text and "<svg" in text and "2222" in text


def test_counter_double_submit_makes_one_request(staff_client, pouch):
    data = new_owner_post(service=pouch.pk, client_uuid="3f1c9d1e-8f7a-4c55-9a51-2d1d3b1d0c11")
    data.pop("photo")
    staff_client.post(reverse("intake:counter_new"), data)
    staff_client.post(reverse("intake:counter_new"), data)
    assert Booking.objects.count() == 1


def test_counter_bad_input_keeps_what_was_typed(staff_client, pouch):
    data = new_owner_post(service=pouch.pk, quantity=5, phone="0811")
    data.pop("photo")
    response = staff_client.post(reverse("intake:counter_new"), data)
    assert response.status_code == 200 and Booking.objects.count() == 0
    text = response.content.decode()
    assert "Ina Latuconsina" in text and "Keripik sukun" in text
    assert response.context["form"].errors.keys() >= {"phone", "quantity"}


def test_counter_existing_owner_form_asks_no_owner_fields(staff_client, product, pouch):
    owner = product.business.owner
    url = reverse("intake:counter_new") + f"?pemilik={owner.username}"
    form = staff_client.get(url).context["form"]
    assert "name" not in form.fields and "consent" not in form.fields
    response = staff_client.post(url, {"business": product.business.pk, "product": product.pk, "service": pouch.pk, "quantity": 300})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.product == product and booking.created_by == owner and User.objects.filter(is_active=True).count() == 2


def test_counter_search_prefills_the_new_owner_form(staff_client):
    form = staff_client.get(reverse("intake:counter_new"), {"q": "0813-1111-2222"}).context["form"]
    assert form.initial["phone"] == "+6281311112222"
    form = staff_client.get(reverse("intake:counter_new"), {"q": "Mama Ina"}).context["form"]
    assert form.initial["name"] == "Mama Ina"


def test_guest_book_entry_and_today_list(staff_client, staff):
    response = staff_client.post(reverse("intake:visits"), {
        "name": "Maria", "phone": "", "district": District.objects.get(name="Kota Tual").pk, "gender": "female",
        "purpose": "halal", "duration_minutes": 20, "note": "Tanya sertifikat halal",
    })
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.staff == staff and visit.is_first_visit and visit.district.name == "Kota Tual"
    page = staff_client.get(reverse("intake:visits")).content.decode()
    assert "Maria" in page and f"kunjungan={visit.public_id}" in page


def test_guest_book_needs_name_or_known_number(staff_client):
    response = staff_client.post(reverse("intake:visits"), {"purpose": "other", "phone": "081399998888"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert Visit.objects.count() == 0


def test_consultation_to_request_in_one_step(staff_client, pouch):
    staff_client.post(reverse("intake:visits"), {"name": "Ina", "phone": "081311112222", "purpose": "design",
                                                  "district": District.objects.get(name="Kota Ambon").pk, "gender": "female"})
    visit = Visit.objects.get()
    url = reverse("intake:counter_new") + f"?kunjungan={visit.public_id}"
    form = staff_client.get(url).context["form"]
    assert form.initial["phone"] == "+6281311112222" and form.initial["name"] == "Ina"
    data = new_owner_post(service=pouch.pk, name="Ina")
    data.pop("photo")
    staff_client.post(url, data)
    visit.refresh_from_db()
    assert visit.booking is not None and visit.booking.channel == "counter"


def test_receipt_papers(staff_client, product, pouch, owner):
    from bookings.services import booking_submit

    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=200)
    for paper in ("a5", "a6", "80mm"):
        text = staff_client.get(reverse("intake:receipt", kwargs={"code": booking.code}), {"kertas": paper}).content.decode()
        assert f"receipt-{paper}" in text


def test_request_received_by_whatsapp(staff_client, pouch):
    page = staff_client.get(reverse("intake:counter_new"), {"q": "081311112222"}).content.decode()
    assert "saluran=whatsapp" in page
    data = new_owner_post(service=pouch.pk)
    data.pop("photo")
    staff_client.post(reverse("intake:counter_new") + "?saluran=whatsapp", data)
    assert Booking.objects.get().channel == "whatsapp"


def test_guest_book_query_budget(staff_client, staff, django_assert_num_queries):
    from intake.services import visit_create

    ambon = District.objects.get(name="Kota Ambon")
    for i in range(6):
        visit_create(staff=staff, purpose="design", name=f"Tamu {i}", district=ambon)
    # session + user (2), the user's roles for the menu and the permission check (1), districts for the form's
    # choice list (1), today's visits with district, staff and request (1), unread notifications badge (1)
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("intake:visits"))
    assert response.content.decode().count("Tamu ") == 6

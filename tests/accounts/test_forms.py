from accounts.forms import BusinessForm, DocumentForm, RegistrationForm
from accounts.models import District
from tests.factories import BusinessFactory


def business_data(**overrides):
    data = {
        "name": "Abon Ikan Tuna Banda",
        "owner_name": "Maria Leiwakabessy",
        "owner_gender": "female",
        "legal_form": "individual",
        "nib": "9120001234567",
        "sector": "fishery",
        "scale": "mikro",
        "address": "Jl. Baru, Banda Neira",
        "district": District.objects.get(name="Maluku Tengah").pk,
        "phone": "0812-9876-5432",
        "email": "",
    }
    data.update(overrides)
    return data


def test_business_form_stores_phone_as_e164(db):
    form = BusinessForm(business_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+6281298765432"


def test_business_form_rejects_bad_nib_and_phone_and_keeps_input(db):
    form = BusinessForm(business_data(nib="12345", phone="12345"))
    assert not form.is_valid()
    assert "13" in form.errors["nib"][0]
    assert "0812" in form.errors["phone"][0]
    html = form.as_p()
    assert 'value="Abon Ikan Tuna Banda"' in html  # what was typed stays in the form
    assert 'value="12345"' in html


def test_business_form_refuses_a_nib_used_by_another_business(db):
    BusinessFactory(nib="9120001234567")
    form = BusinessForm(business_data())
    assert not form.is_valid()
    assert "nib" in form.errors


def test_business_form_messages_are_indonesian_by_default(db):
    form = BusinessForm(business_data(nib="1"))
    form.is_valid()
    assert form.errors["nib"] == ["NIB harus tepat 13 digit."]


def test_registration_requires_consent_and_matching_passwords(db):
    form = RegistrationForm(
        {"name": "Ina", "username": "ina", "phone": "081234567890", "password1": "sagu-lempeng-99", "password2": "other"}
    )
    assert not form.is_valid()
    assert "consent" in form.errors
    assert "password2" in form.errors


def test_registration_refuses_weak_password(db):
    form = RegistrationForm(
        {"name": "Ina", "username": "ina", "phone": "081234567890", "password1": "12345678", "password2": "12345678", "consent": "on"}
    )
    assert not form.is_valid()
    assert "password1" in form.errors


def test_document_form_checks_the_number_for_its_kind(business):
    form = DocumentForm({"kind": "pirt", "number": "12345"}, business=business)
    assert not form.is_valid()
    assert "number" in form.errors


def test_document_form_allows_pending_halal_without_number(business):
    form = DocumentForm({"kind": "halal", "is_pending": "on"}, business=business)
    assert form.is_valid(), form.errors


def test_document_form_refuses_pending_pirt(business):
    form = DocumentForm({"kind": "pirt", "is_pending": "on", "number": "206327101012324"}, business=business)
    assert not form.is_valid()
    assert "is_pending" in form.errors


def test_document_form_refuses_expiry_before_issue(business):
    form = DocumentForm(
        {"kind": "md", "number": "MD 123456789012", "issued_on": "2026-01-10", "expires_on": "2025-01-10"}, business=business
    )
    assert not form.is_valid()
    assert "expires_on" in form.errors


def test_document_form_refuses_a_product_of_another_business(business, db):
    from tests.factories import ProductFactory

    foreign = ProductFactory()
    form = DocumentForm({"kind": "pirt", "number": "206327101012324", "product": foreign.pk}, business=business)
    assert not form.is_valid()
    assert "product" in form.errors


def test_owner_downloads_all_their_data(client, owner, product, pouch):
    import json

    from bookings.services import booking_submit

    booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    client.force_login(owner)
    response = client.get("/profil/data-saya/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == owner.username and "password" not in data["account"]
    assert data["businesses"][0]["products"][0]["name"] == product.name
    assert data["requests"][0]["events"][0]["to_status"] == "diajukan"


def test_owner_asks_for_deletion_and_admins_are_told(client, owner, admin_user):
    from notifications.models import Notification

    client.force_login(owner)
    assert client.get("/profil/hapus-data/").status_code == 405
    client.post("/profil/hapus-data/", {"reason": "Usaha tutup"})
    owner.refresh_from_db()
    assert owner.deletion_requested_at is not None
    note = Notification.objects.get(recipient=admin_user, kind="data_deletion_request", channel="inapp")
    assert "Usaha tutup" in note.body


def test_password_reset_by_email_end_to_end(client, owner, django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    owner.email = "ina@example.org"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves through the outbox after commit
        response = client.post("/lupa-sandi/", {"email": "ina@example.org"})
    assert response.status_code == 302
    link = re.search(r"http://testserver(/atur-sandi/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "kenari-banda-77", "new_password2": "kenari-banda-77"})
    owner.refresh_from_db()
    assert owner.check_password("kenari-banda-77")


def test_unknown_address_gets_the_same_answer_and_resets_are_rate_limited(client, db):
    from django.core import mail

    statuses = [client.post("/lupa-sandi/", {"email": f"x{i}@example.org"}).status_code for i in range(6)]
    assert statuses == [302] * 5 + [429]
    assert mail.outbox == []

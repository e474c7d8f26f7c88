"""Property-based tests (hypothesis): whatever people type into the public forms and the tracking
page, nothing answers 500, and every rejection names a field."""
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import BusinessForm, DocumentForm, RegistrationForm
from bookings.forms import BookingForm, TrackingForm
from bookings.selectors import active_services
from products.forms import ProductForm

text = st.text(max_size=60)
typed = st.one_of(text, st.integers().map(str), st.sampled_from(["", " ", "0812", "9" * 13, "-1", "1e9", "2026-02-30", "\x00"]))
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def assert_names_fields(form, data):
    valid = form.is_valid()
    if not valid:
        assert form.errors, data
        assert all(field == "__all__" or field in form.fields for field in form.errors), form.errors
    return valid


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["name", "username", "phone", "email", "password1", "password2", "consent"]}))
def test_registration_form(db, data):
    assert_names_fields(RegistrationForm(data), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["name", "owner_name", "owner_gender", "legal_form", "nib", "sector", "scale", "address", "district", "phone", "email"]}))
def test_business_form(db, data):
    assert_names_fields(BusinessForm(data), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["kind", "product", "number", "issued_on", "expires_on", "is_pending"]}))
def test_document_form(business, data):
    assert_names_fields(DocumentForm(data, business=business), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["name", "category", "main_ingredient", "main_ingredient_percent", "net_content", "net_content_unit", "shelf_life_days", "packaging_material", "length_mm"]}))
def test_product_form(db, data):
    assert_names_fields(ProductForm(data), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["product", "service", "quantity", "desired_date", "notes"]}))
def test_booking_form(owner, product, data):
    from products.selectors import products_for_owner_choice

    assert_names_fields(BookingForm(data, products=products_for_owner_choice(owner), services=active_services()), data)


@EXAMPLES
@given(code=typed, last4=typed)
def test_tracking_form_and_page(client, db, code, last4):
    assert_names_fields(TrackingForm({"code": code, "last4": last4}), (code, last4))
    from django.core.cache import cache

    cache.clear()  # stay under the rate limit
    response = client.post(reverse("bookings:track"), {"code": code, "last4": last4})
    assert response.status_code == 200


@EXAMPLES
@given(token=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=80))
def test_tracking_link_never_500(client, db, token):
    from django.core.cache import cache

    cache.clear()
    from urllib.parse import quote

    assert client.get("/lacak/" + quote(token, safe="") + "/").status_code in (200, 404)

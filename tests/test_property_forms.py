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


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["district", "place", "starts_on", "ends_on", "team", "target", "note"]}))
def test_outreach_trip_form(db, data):
    from outreach.forms import TripForm

    assert_names_fields(TripForm(data), data)


INTAKE_FIELDS = ["owner_name", "phone", "owner_gender", "business_name", "district", "address", "sector", "scale",
                 "product_name", "category", "service", "quantity", "notes"]


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in INTAKE_FIELDS}))
def test_outreach_intake_form(db, data):
    from outreach.forms import IntakeForm

    assert_names_fields(IntakeForm(data), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["visitor_name", "visitor_phone", "visitor_gender", "visit_note"]}))
def test_outreach_visit_form(db, data):
    from outreach.forms import VisitForm

    assert_names_fields(VisitForm(data), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in INTAKE_FIELDS}), kind=st.sampled_from(["intake", "visit", "x", ""]))
def test_outreach_sync_never_500(client, staff, data, kind):
    """Whatever a device sends, the answer is a JSON verdict (synced, invalid, conflict, bad request)."""
    import json
    import uuid

    from accounts.models import District
    from outreach.models import OutreachTrip

    trip = OutreachTrip.objects.create(district=District.objects.first(), place="Desa", starts_on="2026-12-01",
                                       ends_on="2026-12-02", target=5, created_by=staff)
    client.force_login(staff)
    record = {"id": str(uuid.uuid4()), "kind": kind, "fields": data, "device_time": "2026-12-01T08:00:00+09:00"}
    response = client.post(f"/jemput-bola/{trip.public_id}/kirim/", {"record": json.dumps(record)})
    assert response.status_code in (200, 400, 422), response.content
    assert response["Content-Type"] == "application/json"


# --- issue 9: counter intake, guest book, claims, WhatsApp codes, merge ---------------------------------

COUNTER_FIELDS = ["name", "phone", "gender", "district", "sector", "scale", "business_name", "nik", "consent",
                  "turnover_band", "product_name", "service", "quantity", "notes", "client_uuid"]


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in COUNTER_FIELDS}))
def test_counter_intake_form(db, data):
    from intake.forms import CounterIntakeForm

    assert_names_fields(CounterIntakeForm(data), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["business", "product", "product_name", "turnover_band", "service", "quantity", "notes"]}))
def test_counter_intake_form_for_a_known_owner(product, data):
    from intake.forms import CounterIntakeForm

    assert_names_fields(CounterIntakeForm(data, owner=product.business.owner), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in COUNTER_FIELDS}))
def test_counter_page_never_500(client, staff, data):
    client.force_login(staff)
    data = {k: v.replace("\x00", "") for k, v in data.items()}
    assert client.post(reverse("intake:counter_new"), data).status_code in (200, 302)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["phone", "name", "district", "gender", "purpose", "duration_minutes", "note"]}))
def test_visit_form_and_page(client, staff, data):
    from intake.forms import VisitForm

    assert_names_fields(VisitForm(data), data)
    client.force_login(staff)
    data = {k: v.replace("\x00", "") for k, v in data.items()}
    assert client.post(reverse("intake:visits"), data).status_code in (200, 302)


@EXAMPLES
@given(phone=typed)
def test_code_request_form(client, db, phone):
    from django.core.cache import cache

    from accounts.forms import CodeRequestForm

    assert_names_fields(CodeRequestForm({"phone": phone}), phone)
    cache.clear()
    assert client.post(reverse("accounts:code_request"), {"phone": phone.replace("\x00", "")}).status_code in (200, 302)


@EXAMPLES
@given(code=typed)
def test_code_verify_form(db, code):
    from accounts.forms import CodeVerifyForm

    assert_names_fields(CodeVerifyForm({"code": code}), code)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["password1", "password2"]}))
def test_claim_form(owner, data):
    from accounts.forms import ClaimForm

    assert_names_fields(ClaimForm(data, user=owner), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["source", "target"]}))
def test_owner_merge_form(db, data):
    from accounts.forms import OwnerMergeForm

    assert_names_fields(OwnerMergeForm(data), data)


# --- Money and the store (issue 14) ---------------------------------------------------------------

MONEY_FORMS = {
    "QuotationForm": ["quantity", "subsidy", "extras_description", "extras_amount"],
    "PaymentForm": ["method", "amount", "payer_name", "note"],
    "TransferProofForm": ["amount", "paid_on", "payer_name"],
    "QrisForm": ["amount"],
    "ReasonForm": ["reason"],
    "RefundForm": ["method", "amount", "note"],
    "CashBookForm": ["year", "month"],
}


@EXAMPLES
@given(name=st.sampled_from(sorted(MONEY_FORMS)), values=st.lists(typed, min_size=4, max_size=4))
def test_money_forms(db, name, values):
    from payments import forms

    data = dict(zip(MONEY_FORMS[name], values))
    assert_names_fields(getattr(forms, name)(data), data)


@EXAMPLES
@given(name=st.sampled_from(["ReceiveForm", "AdjustForm"]), values=st.lists(typed, min_size=4, max_size=4))
def test_store_forms(db, name, values):
    from materials import forms

    fields = {"ReceiveForm": ["kind", "quantity", "unit_cost", "reason"], "AdjustForm": ["counted", "reason"]}[name]
    data = dict(zip(fields, values))
    assert_names_fields(getattr(forms, name)(data), data)


@EXAMPLES
@given(data=st.fixed_dictionaries({f: typed for f in ["method", "amount", "payer_name", "note"]}))
def test_counter_payment_page_never_500(client, staff, data):
    from accounts.roles import Role
    from bookings.models import Service
    from tests.factories import UserFactory
    from tests.money_fixtures import verified_booking

    booking = verified_booking(service=Service.objects.get(slug="sablon"), staff=staff)
    client.force_login(UserFactory(role=Role.TREASURER))
    response = client.post(reverse("payments:pay", kwargs={"code": booking.code}), data)
    assert response.status_code in (200, 302)

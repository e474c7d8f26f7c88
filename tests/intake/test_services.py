import uuid

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AccountEvent, Business, ClaimLink, District, OwnerPhone, User
from bookings.models import Booking, BookingEvent
from intake.models import Intake, Visit
from intake.services import counter_intake_create, owner_find_or_create_by_whatsapp, visit_create
from notifications.models import Channel, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambon(db):
    return District.objects.get(name="Kota Ambon")


def walk_in(ambon, pouch, **overrides):
    data = {
        "owner_data": {"name": "Ina Latuconsina", "phone": "0813 1111 2222", "gender": "female", "consent_given": True},
        "business_data": {"district": ambon, "sector": Business.Sector.FOOD, "scale": Business.Scale.MICRO,
                          "turnover_band": Business.TurnoverBand.UNDER_5M},
        "product_data": {"name": "Keripik sukun"},
        "request_data": {"service": pouch, "quantity": 200},
    }
    data.update(overrides)
    return data


def test_new_walk_in_owner_gets_account_business_product_and_counter_booking(staff, ambon, pouch, django_capture_on_commit_callbacks):
    # given a walk-in owner nobody knows
    # when staff take the request at the counter
    with django_capture_on_commit_callbacks(execute=True):
        result = counter_intake_create(staff=staff, **walk_in(ambon, pouch))
    # then one unclaimed owner holds the number, consent recorded in person by the staff member
    owner = result.owner
    assert result.created_owner and not owner.is_claimed and not owner.has_usable_password()
    assert owner.email == "" and OwnerPhone.objects.get(phone="+6281311112222").user == owner
    assert owner.consent_recorded_by == staff and owner.consent_at and owner.consent_version
    # the booking went through booking_submit: code, first event, channel and who entered it
    booking = result.booking
    assert booking.channel == Booking.Channel.COUNTER and booking.entered_by == staff and booking.created_by == owner
    assert BookingEvent.objects.filter(booking=booking, action="submit").count() == 1
    assert result.product.category == "food" and result.business.turnover_band == "lt5m"
    # the owner hears by WhatsApp, with the tracking link and the claim link
    message = Notification.objects.get(recipient=owner, kind="intake_received", channel=Channel.WHATSAPP)
    assert "/lacak/" in message.body or "track" in message.body.lower() or booking.code in message.body
    assert result.claim_url and result.claim_url.split("/")[-2] in message.body
    assert ClaimLink.objects.filter(user=owner, used_at__isnull=True).count() == 1
    assert AccountEvent.objects.filter(user=owner, action=AccountEvent.Action.CREATED_BY_STAFF, actor=staff).exists()


def test_second_intake_with_same_number_reuses_owner_business_and_product(staff, ambon, pouch):
    first = counter_intake_create(staff=staff, **walk_in(ambon, pouch))
    second = counter_intake_create(staff=staff, **walk_in(ambon, pouch, owner_data={"phone": "+6281311112222", "name": "Ina"}))
    assert second.owner == first.owner and not second.created_owner
    assert second.business == first.business and second.product == first.product
    assert User.objects.filter(owner_phone__phone="+6281311112222").count() == 1
    assert Booking.objects.filter(business__owner=first.owner).count() == 2


def test_client_uuid_makes_intake_idempotent(staff, ambon, pouch):
    key = uuid.uuid4()
    first = counter_intake_create(staff=staff, client_uuid=key, channel=Booking.Channel.OUTREACH, **walk_in(ambon, pouch))
    again = counter_intake_create(staff=staff, client_uuid=key, channel=Booking.Channel.OUTREACH, **walk_in(ambon, pouch))
    assert again.booking == first.booking and Intake.objects.count() == 1 and Booking.objects.count() == 1
    assert first.booking.channel == "outreach"


def test_consent_is_required_for_a_new_owner(staff, ambon, pouch):
    data = walk_in(ambon, pouch)
    data["owner_data"]["consent_given"] = False
    with pytest.raises(ValidationError) as error:
        counter_intake_create(staff=staff, **data)
    assert "consent" in error.value.message_dict
    assert not User.objects.filter(phone="+6281311112222").exists() and Booking.objects.count() == 0


def test_bad_number_is_a_field_error(staff, ambon, pouch):
    data = walk_in(ambon, pouch)
    data["owner_data"]["phone"] = "12345"
    with pytest.raises(ValidationError) as error:
        counter_intake_create(staff=staff, **data)
    assert "phone" in error.value.message_dict


def test_owner_cannot_take_counter_intakes(owner, ambon, pouch):
    with pytest.raises(ValidationError):
        counter_intake_create(staff=owner, **walk_in(ambon, pouch))
    assert Booking.objects.count() == 0


def test_owner_cannot_submit_with_office_channel(owner, product, pouch):
    from bookings.services import booking_submit

    with pytest.raises(ValidationError):
        booking_submit(actor=owner, product=product, service=pouch, quantity=200, channel=Booking.Channel.COUNTER)


def test_online_submit_stays_online_and_entered_by_owner(owner, product, pouch):
    from bookings.services import booking_submit

    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=200)
    assert booking.channel == "online" and booking.entered_by == owner and booking.created_by == owner


def test_existing_claimed_owner_gets_no_claim_link(staff, owner, business, ambon, pouch):
    OwnerPhone.objects.create(user=owner, phone=business.phone)
    result = counter_intake_create(staff=staff, **walk_in(ambon, pouch, owner_data={"phone": business.phone}))
    assert result.owner == owner and result.claim_url == "" and result.business == business
    assert not ClaimLink.objects.exists()


def test_owner_find_or_create_returns_existing(staff):
    first, created = owner_find_or_create_by_whatsapp(phone="081322223333", name="Yos", staff=staff, consent_given=True)
    again, created_again = owner_find_or_create_by_whatsapp(phone="+6281322223333", name="Other", staff=staff, consent_given=False)
    assert created and not created_again and again == first and again.name == "Yos"


def test_visit_logged_for_unknown_visitor_then_first_time_only_once(staff, ambon):
    first = visit_create(staff=staff, purpose=Visit.Purpose.HALAL, name="Maria", phone="081344445555", district=ambon,
                         gender="female", duration_minutes=15)
    again = visit_create(staff=staff, purpose=Visit.Purpose.DESIGN, name="Maria", phone="0813-4444-5555")
    assert first.is_first_visit and not again.is_first_visit and again.phone == "+6281344445555"


def test_visit_of_known_owner_fills_details(staff, ambon, pouch):
    result = counter_intake_create(staff=staff, **walk_in(ambon, pouch))
    visit = visit_create(staff=staff, purpose=Visit.Purpose.INFORMATION, phone="081311112222")
    assert visit.owner == result.owner and visit.name == "Ina Latuconsina" and visit.district == ambon
    assert visit.gender == "female" and not visit.is_first_visit  # the owner already made a request


def test_visit_client_uuid_is_idempotent(staff):
    key = uuid.uuid4()
    a = visit_create(staff=staff, purpose="other", name="Ana", client_uuid=key)
    b = visit_create(staff=staff, purpose="other", name="Ana", client_uuid=key)
    assert a == b and Visit.objects.count() == 1


def test_consultation_becomes_a_request_in_one_step(staff, ambon, pouch):
    visit = visit_create(staff=staff, purpose=Visit.Purpose.DESIGN, name="Ina Latuconsina", phone="081311112222",
                         district=ambon, gender="female")
    result = counter_intake_create(staff=staff, visit=visit, **walk_in(ambon, pouch))
    visit.refresh_from_db()
    assert visit.booking == result.booking and visit.owner == result.owner


def test_visit_needs_a_name(staff):
    with pytest.raises(ValidationError) as error:
        visit_create(staff=staff, purpose="other")
    assert "name" in error.value.message_dict

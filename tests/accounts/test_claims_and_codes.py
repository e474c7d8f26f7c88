import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.claims import ClaimError, account_claim, claim_link_create, claim_link_from_token, claim_url
from accounts.codes import code_request, code_verify
from accounts.models import AccountEvent, ClaimLink, OwnerPhone, PhoneCode, User
from accounts.services import owner_find_or_create_by_whatsapp
from notifications.models import Channel, Notification

pytestmark = pytest.mark.django_db
NUMBER = "+6281311112222"


@pytest.fixture
def walk_in(staff):
    owner, _ = owner_find_or_create_by_whatsapp(phone=NUMBER, name="Ina", staff=staff, consent_given=True)
    return owner


def sent_code(owner) -> str:
    message = Notification.objects.filter(recipient=owner, kind="whatsapp_code").latest("id")
    return re.search(r"\*(\d{6})\*", message.body).group(1)


def token_of(link):
    return claim_url(link).rstrip("/").split("/")[-1]


def test_claim_link_works_once(client, walk_in, staff):
    link = claim_link_create(user=walk_in, actor=staff)
    url = claim_url(link)
    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": "sagu-lempeng-99", "password2": "sagu-lempeng-99"})
    assert response.status_code == 302
    walk_in.refresh_from_db()
    assert walk_in.is_claimed and walk_in.claimed_at and walk_in.check_password("sagu-lempeng-99")
    assert AccountEvent.objects.filter(user=walk_in, action=AccountEvent.Action.CLAIMED).count() == 1
    client.logout()
    assert client.get(url).status_code == 410
    assert client.post(url, {"password1": "other-pass-123", "password2": "other-pass-123"}).status_code == 410
    walk_in.refresh_from_db()
    assert walk_in.check_password("sagu-lempeng-99")


def test_claim_without_password_keeps_code_sign_in(client, walk_in, staff):
    link = claim_link_create(user=walk_in, actor=staff)
    client.post(claim_url(link), {"password1": "", "password2": ""})
    walk_in.refresh_from_db()
    assert walk_in.is_claimed and not walk_in.has_usable_password()


def test_claim_link_fails_after_expiry(client, walk_in, staff, freezer=None):
    link = claim_link_create(user=walk_in, actor=staff)
    ClaimLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(claim_url(link)).status_code == 410
    link.refresh_from_db()
    with pytest.raises(ClaimError):
        account_claim(link=link)


def test_claim_token_older_than_seven_days_is_refused_by_its_signature(walk_in, staff, monkeypatch):
    link = claim_link_create(user=walk_in, actor=staff)
    token = token_of(link)
    real_time = __import__("time").time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() + 7 * 86400 + 5)
    assert claim_link_from_token(token) is None


def test_tampered_claim_token_is_refused(client, walk_in, staff):
    link = claim_link_create(user=walk_in, actor=staff)
    assert client.get(reverse("accounts:claim", kwargs={"token": token_of(link)[:-2] + "xx"})).status_code == 410


def test_code_sign_in_claims_the_account(client, walk_in, settings):
    client.post(reverse("accounts:code_request"), {"phone": "0813 1111 2222"})
    message = Notification.objects.get(recipient=walk_in, kind="whatsapp_code")
    # shaped like Meta's authentication templates: the code, its expiry, no link
    assert message.channel == Channel.WHATSAPP and message.link == "" and "http" not in message.body
    assert "10" in message.body
    row = PhoneCode.objects.get(phone=NUMBER)
    assert sent_code(walk_in) not in row.code_hash and len(row.code_hash) == 64  # stored hashed
    response = client.post(reverse("accounts:code_verify"), {"code": sent_code(walk_in)})
    assert response.status_code == 302
    walk_in.refresh_from_db()
    assert walk_in.is_claimed and int(client.session["_auth_user_id"]) == walk_in.pk


def test_code_brute_force_locks_after_five_tries_even_for_the_right_code(walk_in):
    code_request(phone=NUMBER, purpose="sign_in")
    right = sent_code(walk_in)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    for _ in range(5):
        assert code_verify(phone=NUMBER, code=wrong) == (None, "")
    assert PhoneCode.objects.get(phone=NUMBER).locked_at is not None
    assert code_verify(phone=NUMBER, code=right) == (None, "")
    # a new code cannot be asked for while locked
    assert code_request(phone=NUMBER, purpose="sign_in") is None


def test_code_expires_after_ten_minutes(walk_in):
    code_request(phone=NUMBER, purpose="sign_in")
    PhoneCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert code_verify(phone=NUMBER, code=sent_code(walk_in))[0] is None


def test_unknown_number_gets_the_same_answer(client, walk_in):
    known = client.post(reverse("accounts:code_request"), {"phone": "081311112222"})
    known_page = client.get(reverse("accounts:code_verify"))
    client.session.flush()
    unknown = client.post(reverse("accounts:code_request"), {"phone": "081399990000"})
    unknown_page = client.get(reverse("accounts:code_verify"))
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    strip = lambda page, number: page.content.decode().replace(number, "NUMBER")  # noqa: E731
    strip_csrf = lambda text: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)  # noqa: E731
    assert strip_csrf(strip(known_page, "081311112222")) == strip_csrf(strip(unknown_page, "081399990000"))
    assert PhoneCode.objects.filter(phone="+6281399990000").count() == 0


def test_code_requests_are_rate_limited_per_number(client, walk_in):
    for _ in range(3):
        client.post(reverse("accounts:code_request"), {"phone": "081311112222"})
    assert client.post(reverse("accounts:code_request"), {"phone": "0813-1111-2222"}).status_code == 429


def test_code_requests_are_rate_limited_per_client_address(client, settings):
    for i in range(10):
        client.post(reverse("accounts:code_request"), {"phone": f"08139999{i:04d}"})
    assert client.post(reverse("accounts:code_request"), {"phone": "081388887777"}).status_code == 429


def test_code_goes_to_the_urgent_queue(walk_in, settings):
    from notifications.services import queue_for

    code_request(phone=NUMBER, purpose="sign_in")
    message = Notification.objects.get(recipient=walk_in, kind="whatsapp_code")
    assert message.urgent and queue_for(message) == settings.RK_CODES_QUEUE


def test_registration_with_held_number_leads_to_claim_without_duplicate(client, walk_in):
    before = User.objects.count()
    response = client.post(reverse("accounts:register"), {
        "name": "Ina L.", "username": "ina-online", "phone": "0813 1111 2222", "email": "",
        "password1": "sagu-lempeng-99", "password2": "sagu-lempeng-99", "consent": "on",
    })
    assert response.status_code == 302 and response["Location"] == reverse("accounts:code_verify")
    assert User.objects.count() == before and not User.objects.filter(username="ina-online").exists()
    response = client.post(reverse("accounts:code_verify"), {"code": sent_code(walk_in)})
    assert response["Location"] == reverse("accounts:password_set")
    walk_in.refresh_from_db()
    assert walk_in.is_claimed and OwnerPhone.objects.filter(phone=NUMBER).count() == 1


def test_reset_by_code_then_new_password(client, owner, business):
    OwnerPhone.objects.create(user=owner, phone=owner.phone)
    client.post(reverse("accounts:code_reset"), {"phone": owner.phone})
    response = client.post(reverse("accounts:code_verify"), {"code": sent_code(owner)})
    assert response["Location"] == reverse("accounts:password_set")
    client.post(reverse("accounts:password_set"), {"new_password1": "kenari-banda-77", "new_password2": "kenari-banda-77"})
    owner.refresh_from_db()
    assert owner.check_password("kenari-banda-77")


def test_profile_cannot_take_another_owners_number(client, owner, walk_in):
    OwnerPhone.objects.create(user=owner, phone="+6281200001111")
    client.force_login(owner)
    response = client.post(reverse("accounts:profile"), {"name": "Ina", "phone": "081311112222", "email": "", "language": "id"})
    assert response.status_code == 200 and "phone" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.owner_phone.phone == "+6281200001111"

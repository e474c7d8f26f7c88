import re

from django.urls import reverse

from bookings.services import booking_submit, booking_verify
from bookings.tracking import tracking_url


def make_booking(owner, product, pouch):
    return booking_submit(actor=owner, product=product, service=pouch, quantity=100)


def track(client, code, last4):
    return client.post(reverse("bookings:track"), {"code": code, "last4": last4})


def test_code_and_last_digits_show_status_without_personal_data(client, owner, product, pouch):
    booking = make_booking(owner, product, pouch)
    response = track(client, booking.code.lower(), "5432")  # business phone +6281298765432
    assert response.status_code == 200
    html = response.content.decode()
    assert booking.code in html
    assert "Diajukan" in html
    for personal in (product.business.name, product.name, product.business.owner_name, "81298765432", product.business.address):
        assert personal not in html


def test_wrong_digits_answer_like_an_unknown_code(client, owner, product, pouch):
    booking = make_booking(owner, product, pouch)
    wrong_pair = track(client, booking.code, "0000")
    unknown = track(client, "RK-2026-99999", "5432")
    assert wrong_pair.status_code == unknown.status_code == 200
    assert wrong_pair.context["not_found"] and unknown.context["not_found"]
    assert wrong_pair.context["booking"] is None and unknown.context["booking"] is None
    strip = lambda r: r.content.decode().replace(booking.code, "X").replace("RK-2026-99999", "X")  # noqa: E731
    assert strip(wrong_pair).split("csrfmiddlewaretoken")[0] == strip(unknown).split("csrfmiddlewaretoken")[0]


def test_tracking_is_rate_limited(client, owner, product, pouch, settings):
    booking = make_booking(owner, product, pouch)
    statuses = [track(client, booking.code, "0000").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_bad_tracking_input_is_named(client):
    response = client.post(reverse("bookings:track"), {"code": "", "last4": "12a"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"code", "last4"}


def test_signed_link_shows_status_and_queue(client, owner, staff, product, pouch):
    booking = make_booking(owner, product, pouch)
    booking_verify(booking=booking, actor=staff, override_reason="uji")
    url = tracking_url(booking)
    assert booking.code not in url and not re.search(r"/\d+/", url)  # no sequential id or code in it
    response = client.get(url)
    assert response.status_code == 200
    assert "Dalam antrean" in response.content.decode()


def test_tampered_link_is_404(client, owner, product, pouch):
    url = tracking_url(make_booking(owner, product, pouch))
    assert client.get(url[:-3] + "abc/").status_code == 404
    assert client.get(reverse("bookings:track_link", kwargs={"token": "1"})).status_code == 404

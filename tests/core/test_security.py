import datetime
import re

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.ip import client_ip


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("pages:landing"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_scripts_in_pages(owner_client, product, pouch):
    from bookings.services import booking_submit

    booking = booking_submit(actor=product.business.owner, product=product, service=pouch, quantity=100)
    for url in ["/", reverse("bookings:create"), booking.get_absolute_url(), reverse("pages:home"), reverse("bookings:track")]:
        html = owner_client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"{url}: {tag}"


def test_login_is_locked_after_repeated_failures_and_the_lock_expires(client, owner, settings):
    url = reverse("accounts:login")
    statuses = [client.post(url, {"username": owner.username, "password": "salah"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = client.post(url, {"username": owner.username, "password": "rahasia-panjang-123"})
    assert locked.status_code == 429 and b"15" in locked.content  # even the right password is refused now

    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))  # cool-off passed
    response = client.post(url, {"username": owner.username, "password": "rahasia-panjang-123"})
    assert response.status_code == 302


def test_forwarded_address_is_trusted_only_from_the_proxy(settings):
    settings.RK_TRUSTED_PROXIES = ["127.0.0.1"]
    factory = RequestFactory()
    behind_proxy = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    chained = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7")
    assert client_ip(behind_proxy) == "203.0.113.7"
    assert client_ip(spoofed) == "198.51.100.9"
    assert client_ip(chained) == "203.0.113.7"


def test_registration_is_rate_limited(client, db):
    data = {"name": "x", "username": "", "phone": "1", "password1": "a", "password2": "b"}
    statuses = [client.post(reverse("accounts:register"), data).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


def test_json_log_lines():
    import json
    import logging

    from core.logging import JsonFormatter

    record = logging.LogRecord("rk", logging.WARNING, __file__, 1, "hello %s", ("Ambon",), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "rk", "hello Ambon")

"""The security review's findings (issue 11, item 7), one test each; every one failed before the fix."""
import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bookings.services import booking_set_priority, booking_submit, booking_verify
from core.formatting import spreadsheet_safe
from notifications.models import Channel, Notification
from tests.factories import UserFactory

HOSTILE = ["=HYPERLINK(\"http://x.example\",\"klik\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_text_is_made_text(value):
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("Keripik Sagu") == "Keripik Sagu" and spreadsheet_safe(-5) == -5


def test_exports_neutralise_formulas_in_names(owner, product, pouch, manager):
    from reports.exports import bookings_csv, bookings_xlsx
    from reports.metrics import ReportParams

    business = product.business
    business.name = '=HYPERLINK("http://x.example","klik")'
    business.save()
    booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    today = timezone.localdate()
    params = ReportParams(start=today - datetime.timedelta(days=1), end=today + datetime.timedelta(days=1))
    rows = list(csv.reader(io.StringIO(bookings_csv(params).decode("utf-8-sig"))))
    assert "'" + business.name in rows[1]
    sheet = load_workbook(io.BytesIO(bookings_xlsx(params))).active
    cell = next(c for c in sheet[2] if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.value.startswith("'")


@pytest.mark.parametrize("field", ["name"])
def test_names_refuse_line_breaks(owner_client, owner, field):
    data = {"name": "Ina\r\nBcc: x@example.org", "phone": "081234567890", "email": "", "language": "id"}
    response = owner_client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200 and "name" in response.context["form"].errors
    owner.refresh_from_db()
    assert "\n" not in owner.name


def test_business_and_product_names_refuse_line_breaks(db):
    from accounts.forms import BusinessForm
    from products.forms import ProductForm

    business = BusinessForm(data={"name": "Usaha\nX", "owner_name": "Ina\rX"})
    product = ProductForm(data={"name": "Keripik\r\nSagu"})
    assert not business.is_valid() and {"name", "owner_name"} <= set(business.errors)
    assert not product.is_valid() and "name" in product.errors


def test_a_deletion_request_is_made_at_most_once_a_day(owner_client, owner, admin_user):
    url = reverse("accounts:request_deletion")
    for _ in range(3):
        owner_client.post(url, {"reason": "mohon hapus"})
    assert Notification.objects.filter(recipient=admin_user, kind="data_deletion_request", channel=Channel.IN_APP).count() == 1
    owner.refresh_from_db()
    first = owner.deletion_requested_at
    type(owner).objects.filter(pk=owner.pk).update(deletion_requested_at=first - datetime.timedelta(days=1, minutes=1))
    owner_client.post(url, {"reason": "masih menunggu"})
    assert Notification.objects.filter(recipient=admin_user, kind="data_deletion_request", channel=Channel.IN_APP).count() == 2


def test_sign_in_failures_are_throttled_per_address_across_usernames(client, owner, settings):
    settings.RK_LOGIN_FAILURES_PER_IP = "5/15m"
    url = reverse("accounts:login")
    others = [UserFactory() for _ in range(6)]
    statuses = [client.post(url, {"username": u.username, "password": "salah"}).status_code for u in others]
    assert statuses == [200] * 6  # each username failed once only: axes alone would never lock
    # The address is throttled now, even for the right password of another account.
    assert client.post(url, {"username": owner.username, "password": "rahasia-panjang-123"}).status_code == 429


def test_bulk_verification_goes_back_only_to_this_site(client, staff):
    client.force_login(staff)
    url = reverse("bookings:bulk_verify")
    away = client.post(url, {"codes": [], "next": "https://evil.example/phish"})
    assert away["Location"] == reverse("bookings:board")
    home = client.post(url, {"codes": [], "next": "/petugas/hari-ini/"})
    assert home["Location"] == "/petugas/hari-ini/"


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-01-03"), ("9999-12-29", "9999-12-31")])
def test_out_of_range_report_dates_are_a_form_error(client, manager, start, end):
    client.force_login(manager)
    response = client.get(reverse("reports:report"), {"start": start, "end": end})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_malformed_forwarded_for_is_a_400(client, settings, db):
    settings.RK_TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>, not-an-address")
    assert response.status_code == 400
    fine = client.post(reverse("accounts:login"), {"username": "x", "password": "y"},
                       REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert fine.status_code == 200


def test_only_a_superuser_grants_staff_or_superuser_rights(client, db):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk")
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["change_user", "view_user"]))
    target = UserFactory(username="target")
    client.force_login(clerk)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update({"username": "target", "name": target.name, "phone": target.phone, "is_active": "on",
                 "is_staff": "on", "is_superuser": "on", "groups": [g.pk for g in target.groups.all()],
                 "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    client.post(url, data)
    target.refresh_from_db()
    assert not target.is_superuser and not target.is_staff


def test_deployment_check_warns_about_a_per_process_rate_limit_cache(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert "rumah_kemasan.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    monkeypatch.setenv("GUNICORN_WORKERS", "1")
    assert "rumah_kemasan.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_the_priority_reason_is_not_shown_to_the_owner(owner_client, owner, product, pouch, staff, client):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    booking_verify(booking=booking, actor=staff, override_reason="uji")
    booking_set_priority(booking=booking, actor=staff, priority=5, reason="Kenalan kepala dinas")
    assert "Kenalan kepala dinas" not in owner_client.get(booking.get_absolute_url()).content.decode()
    assert "Kenalan kepala dinas" not in owner_client.get(reverse("accounts:my_data")).content.decode()
    client.force_login(staff)
    assert "Kenalan kepala dinas" in client.get(booking.get_absolute_url()).content.decode()


def test_password_reset_mail_goes_through_the_outbox(client, owner, django_capture_on_commit_callbacks):
    owner.email = "ina@example.org"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ina@example.org"})
    assert response.status_code == 302
    row = Notification.objects.get(recipient=owner, kind="password_reset")
    assert row.channel == Channel.EMAIL and row.urgent and row.status == "sent"
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<rk-notification-{row.pk}@127.0.0.1>"
    assert "/lupa-sandi/" in mail.outbox[0].body or "reset" in mail.outbox[0].body.lower() or "sandi" in mail.outbox[0].body

"""Signed gateway notifications: verified per provider, and idempotent (a replay records one payment)."""
import base64
import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from bookings.models import Service
from payments import services
from payments.gateways import DokuGateway, GatewayError, LoggingGateway, MidtransGateway, XenditGateway
from payments.models import GatewayCharge, LedgerEntry, Quotation, WebhookLog
from tests.money_fixtures import verified_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def charge(staff):
    booking = verified_booking(service=Service.objects.get(slug="sablon"), staff=staff)
    services.quotation_accept(quotation=services.current_quotation(booking), actor=booking.business.owner,
                              via=Quotation.AcceptedVia.APP)
    return services.qris_charge_create(booking=booking, actor=booking.business.owner, amount=150_000)


def test_replayed_webhook_records_one_payment(client, charge):
    body = json.dumps({"order_id": charge.order_id, "transaction_id": "T-1", "amount": 150_000, "status": "paid"}).encode()
    url = reverse("payments:webhook", kwargs={"provider": "logging"})
    for _ in range(3):
        response = client.post(url, body, content_type="application/json", HTTP_X_SIGNATURE=LoggingGateway.sign(body))
        assert response.status_code == 200
    assert LedgerEntry.objects.filter(booking=charge.booking).count() == 1
    assert services.paid_total(charge.booking) == 150_000
    assert list(WebhookLog.objects.order_by("id").values_list("outcome", flat=True)) == ["recorded", "duplicate", "duplicate"]
    charge.refresh_from_db()
    assert charge.state == GatewayCharge.State.PAID


def test_forged_webhook_changes_nothing(client, charge):
    body = json.dumps({"order_id": charge.order_id, "transaction_id": "T-1", "amount": 150_000, "status": "paid"}).encode()
    url = reverse("payments:webhook", kwargs={"provider": "logging"})
    response = client.post(url, body, content_type="application/json", HTTP_X_SIGNATURE="0" * 64)
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()
    assert WebhookLog.objects.get().verified is False


def test_midtrans_signature_is_sha512_of_order_status_amount_and_key(settings):
    settings.RK_GATEWAY_SERVER_KEY = "SB-Mid-server-abc"
    data = {"order_id": "RK-1", "status_code": "200", "gross_amount": "150000.00", "transaction_status": "settlement",
            "transaction_id": "mid-9"}
    data["signature_key"] = hashlib.sha512(b"RK-1200150000.00SB-Mid-server-abc").hexdigest()
    note = MidtransGateway().verify(headers={}, body=json.dumps(data).encode(), path="/")
    assert (note.order_id, note.amount, note.paid, note.external_ref) == ("RK-1", 150_000, True, "midtrans:mid-9")
    data["gross_amount"] = "1.00"
    with pytest.raises(GatewayError):
        MidtransGateway().verify(headers={}, body=json.dumps(data).encode(), path="/")


def test_xendit_callback_token(settings):
    settings.RK_GATEWAY_CALLBACK_TOKEN = "tok-123"
    body = json.dumps({"event": "qr.payment", "data": {"id": "qrpy_1", "reference_id": "RK-2", "amount": 5000,
                                                       "status": "SUCCEEDED"}}).encode()
    note = XenditGateway().verify(headers={"x-callback-token": "tok-123"}, body=body, path="/")
    assert (note.order_id, note.amount, note.paid) == ("RK-2", 5000, True)
    with pytest.raises(GatewayError):
        XenditGateway().verify(headers={"x-callback-token": "tok-12"}, body=body, path="/")
    settings.RK_GATEWAY_CALLBACK_TOKEN = ""
    with pytest.raises(GatewayError):  # no token configured: nothing is accepted
        XenditGateway().verify(headers={"x-callback-token": ""}, body=body, path="/")


def test_doku_hmac_signature(settings):
    settings.RK_GATEWAY_SERVER_KEY, settings.RK_GATEWAY_CLIENT_ID = "SK-doku", "BRN-0001"
    body = json.dumps({"order": {"invoice_number": "RK-3", "amount": 20000}, "transaction": {"status": "SUCCESS"}}).encode()
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    component = f"Client-Id:BRN-0001\nRequest-Id:req-1\nRequest-Timestamp:2026-11-30T01:00:00Z\nRequest-Target:/bayar/webhook/doku/\nDigest:{digest}"
    signature = "HMACSHA256=" + base64.b64encode(hmac.new(b"SK-doku", component.encode(), hashlib.sha256).digest()).decode()
    headers = {"client-id": "BRN-0001", "request-id": "req-1", "request-timestamp": "2026-11-30T01:00:00Z", "signature": signature}
    note = DokuGateway().verify(headers=headers, body=body, path="/bayar/webhook/doku/")
    assert (note.order_id, note.amount, note.paid) == ("RK-3", 20000, True)
    with pytest.raises(GatewayError):
        DokuGateway().verify(headers={**headers, "request-id": "req-2"}, body=body, path="/bayar/webhook/doku/")


@pytest.mark.parametrize("provider, path, answer", [
    ("midtrans", "/v2/charge", {"status_code": "201", "qr_string": "00020101MIDTRANS", "actions": []}),
    ("xendit", "/qr_codes", {"id": "qr_1", "qr_string": "00020101XENDIT"}),
    ("doku", "/qris", {"qris": {"qr_string": "00020101DOKU"}}),
])
def test_http_adapters_ask_the_provider_for_a_qr(settings, provider, path, answer):
    """Each adapter against a small HTTP server on 127.0.0.1 standing in for the provider."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from payments.gateways import get_gateway

    seen = {}

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            seen["path"], seen["auth"] = self.path, self.headers.get("Authorization", "")
            seen["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.handle_request, daemon=True).start()
    settings.RK_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}"
    settings.RK_GATEWAY_SERVER_KEY, settings.RK_GATEWAY_CLIENT_ID = "key-1", "client-1"
    try:
        qr = get_gateway(provider).create_qris(order_id="RK-2026-00001-1", amount=150_000)
    finally:
        server.server_close()
    assert qr.startswith("00020101") and seen["path"] == path
    assert "150000" in json.dumps(seen["body"]) and "RK-2026-00001-1" in json.dumps(seen["body"])
    if provider in ("midtrans", "xendit"):
        assert seen["auth"] == "Basic " + base64.b64encode(b"key-1:").decode()

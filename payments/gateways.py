"""The payment-gateway interface for QRIS: create a charge, and verify the provider's signed notification.

``RK_PAYMENT_GATEWAY`` chooses the adapter: ``logging`` (the default: writes the charge to the log and
signs its own notifications with HMAC-SHA256, for development and demonstrations), or an HTTP adapter
for a provider:

- ``midtrans``: charge by ``POST /v2/charge``; a notification is genuine when ``signature_key`` equals
  SHA512(order_id + status_code + gross_amount + server key).
- ``xendit``: charge by ``POST /qr_codes``; a notification is genuine when its ``x-callback-token``
  header equals the account's callback token.
- ``doku``: charge by ``POST /qris``; a notification carries ``Signature: HMACSHA256=<base64>`` over
  Client-Id, Request-Id, Request-Timestamp, Request-Target and the body's SHA-256 digest.

Verification compares in constant time. A notification that fails it changes nothing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    pass


@dataclass(frozen=True)
class Notification:
    """A verified notification: which charge, the provider's transaction id, amount, and whether paid."""

    order_id: str
    external_ref: str
    amount: int
    paid: bool


class PaymentGateway:
    name = "base"

    def create_qris(self, *, order_id: str, amount: int) -> str:
        """Ask the provider for a QRIS code; returns the QR payload to draw."""
        raise NotImplementedError

    def verify(self, *, headers: dict[str, str], body: bytes, path: str) -> Notification:
        """Return the notification if its signature is genuine, else raise GatewayError."""
        raise NotImplementedError

    def _post(self, url: str, payload: dict, headers: dict[str, str]) -> dict:
        request = urllib.request.Request(
            url, data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.RK_GATEWAY_TIMEOUT) as response:  # noqa: S310 - configured https URL
                return json.loads(response.read().decode())
        except (OSError, ValueError) as error:
            raise GatewayError(f"{self.name}: {error}") from error


def _json(body: bytes) -> dict:
    try:
        data = json.loads(body.decode())
    except (UnicodeDecodeError, ValueError) as error:
        raise GatewayError("body is not JSON") from error
    if not isinstance(data, dict):
        raise GatewayError("body is not a JSON object")
    return data


def _amount(value) -> int:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError) as error:
        raise GatewayError("amount missing") from error


class LoggingGateway(PaymentGateway):
    """Development default: no provider. Notifications are signed with HMAC-SHA256 of the body under
    ``RK_GATEWAY_SECRET`` in the ``X-Signature`` header (``sign`` makes one)."""

    name = "logging"

    def create_qris(self, *, order_id: str, amount: int) -> str:
        logger.info("QRIS charge %s for Rp %s (logging gateway: no provider called)", order_id, amount)
        return f"RK-QRIS|{order_id}|{amount}"

    @staticmethod
    def sign(body: bytes) -> str:
        return hmac.new(settings.RK_GATEWAY_SECRET.encode(), body, hashlib.sha256).hexdigest()

    def verify(self, *, headers, body, path):
        given = headers.get("x-signature", "")
        if not hmac.compare_digest(given, self.sign(body)):
            raise GatewayError("bad signature")
        data = _json(body)
        return Notification(order_id=str(data.get("order_id", "")), external_ref=f"logging:{data.get('transaction_id', '')}",
                            amount=_amount(data.get("amount")), paid=data.get("status") == "paid")


class MidtransGateway(PaymentGateway):
    name = "midtrans"

    @staticmethod
    def signature(order_id: str, status_code: str, gross_amount: str) -> str:
        raw = f"{order_id}{status_code}{gross_amount}{settings.RK_GATEWAY_SERVER_KEY}"
        return hashlib.sha512(raw.encode()).hexdigest()

    def create_qris(self, *, order_id, amount):
        auth = base64.b64encode(f"{settings.RK_GATEWAY_SERVER_KEY}:".encode()).decode()
        data = self._post(
            f"{settings.RK_GATEWAY_URL.rstrip('/')}/v2/charge",
            {"payment_type": "qris", "transaction_details": {"order_id": order_id, "gross_amount": amount}},
            {"Authorization": f"Basic {auth}"},
        )
        for action in data.get("actions", []):
            if action.get("name") == "generate-qr-code":
                return data.get("qr_string") or action.get("url", "")
        if data.get("qr_string"):
            return data["qr_string"]
        raise GatewayError(f"midtrans: no QR in answer ({data.get('status_message', '')})")

    def verify(self, *, headers, body, path):
        data = _json(body)
        expected = self.signature(str(data.get("order_id", "")), str(data.get("status_code", "")),
                                  str(data.get("gross_amount", "")))
        if not hmac.compare_digest(str(data.get("signature_key", "")), expected):
            raise GatewayError("bad signature")
        paid = data.get("transaction_status") in ("settlement", "capture") and data.get("fraud_status", "accept") == "accept"
        return Notification(order_id=data["order_id"], external_ref=f"midtrans:{data.get('transaction_id', data['order_id'])}",
                            amount=_amount(data.get("gross_amount")), paid=paid)


class XenditGateway(PaymentGateway):
    name = "xendit"

    def create_qris(self, *, order_id, amount):
        auth = base64.b64encode(f"{settings.RK_GATEWAY_SERVER_KEY}:".encode()).decode()
        data = self._post(
            f"{settings.RK_GATEWAY_URL.rstrip('/')}/qr_codes",
            {"reference_id": order_id, "type": "DYNAMIC", "currency": "IDR", "amount": amount},
            {"Authorization": f"Basic {auth}", "api-version": "2022-07-31"},
        )
        if not data.get("qr_string"):
            raise GatewayError("xendit: no QR in answer")
        return data["qr_string"]

    def verify(self, *, headers, body, path):
        if not hmac.compare_digest(headers.get("x-callback-token", ""), settings.RK_GATEWAY_CALLBACK_TOKEN or "\x00"):
            raise GatewayError("bad callback token")
        data = _json(body).get("data") or {}
        return Notification(order_id=str(data.get("reference_id", "")), external_ref=f"xendit:{data.get('id', '')}",
                            amount=_amount(data.get("amount")), paid=data.get("status") == "SUCCEEDED")


class DokuGateway(PaymentGateway):
    name = "doku"

    @staticmethod
    def signature(*, client_id: str, request_id: str, timestamp: str, target: str, body: bytes) -> str:
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        component = (
            f"Client-Id:{client_id}\nRequest-Id:{request_id}\nRequest-Timestamp:{timestamp}\n"
            f"Request-Target:{target}\nDigest:{digest}"
        )
        mac = hmac.new(settings.RK_GATEWAY_SERVER_KEY.encode(), component.encode(), hashlib.sha256).digest()
        return "HMACSHA256=" + base64.b64encode(mac).decode()

    def create_qris(self, *, order_id, amount):
        data = self._post(
            f"{settings.RK_GATEWAY_URL.rstrip('/')}/qris",
            {"order": {"invoice_number": order_id, "amount": amount}},
            {"Client-Id": settings.RK_GATEWAY_CLIENT_ID},
        )
        qr = (data.get("qris") or {}).get("qr_string") or data.get("qr_string")
        if not qr:
            raise GatewayError("doku: no QR in answer")
        return qr

    def verify(self, *, headers, body, path):
        if headers.get("client-id", "") != settings.RK_GATEWAY_CLIENT_ID:
            raise GatewayError("unknown client")
        expected = self.signature(client_id=headers.get("client-id", ""), request_id=headers.get("request-id", ""),
                                  timestamp=headers.get("request-timestamp", ""), target=path, body=body)
        if not hmac.compare_digest(headers.get("signature", ""), expected):
            raise GatewayError("bad signature")
        data = _json(body)
        order = data.get("order") or {}
        transaction = data.get("transaction") or {}
        return Notification(order_id=str(order.get("invoice_number", "")),
                            external_ref=f"doku:{order.get('invoice_number', '')}",
                            amount=_amount(order.get("amount")), paid=transaction.get("status") == "SUCCESS")


GATEWAYS = {g.name: g for g in (LoggingGateway, MidtransGateway, XenditGateway, DokuGateway)}


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.RK_PAYMENT_GATEWAY
    if name not in GATEWAYS:
        raise GatewayError(f"unknown gateway {name!r}")
    return GATEWAYS[name]()

"""WhatsApp gateways: send, look up a message's status, and read the provider's status webhook.

The providers used in Indonesia accept no idempotency key, so resending after a timeout can show
the person the message twice. The interface therefore has three parts:

- ``send(to, message, reference) -> message id``. ``OutcomeUnknown`` when the request may have
  reached the provider (read timeout, connection lost after sending): the caller must not resend
  blindly. ``GatewayError`` when it surely did not (connection refused, 5xx, 429): safe to retry.
- ``lookup(reference, message_id) -> DeliveryStatus | None`` (None: the provider has no record).
  ``LookupUnsupported`` where the provider has no status API (or none without its id).
- ``parse_webhook(request) -> [StatusReport]``; ``WebhookRejected`` on a bad signature.

Per provider (the README, "Notifications and what happens when things fail", states the guarantee of each):

============  ===========================  ===========================  =========================
provider      message id on send           status lookup                webhook authenticity
============  ===========================  ===========================  =========================
Fonnte        ``id[0]``                    ``POST /status`` by id        secret URL token only
Wablas        ``data.messages[0].id``      none (webhook only)           secret URL token only
Qontak        ``data.id``                  broadcast log by id           secret URL token only
Meta Cloud    ``messages[0].id``           none (webhook only); the      ``X-Hub-Signature-256``
                                           reference rides along as      (HMAC-SHA256, app secret)
                                           ``biz_opaque_callback_data``  + secret URL token
``http``      ``id``                       ``GET <status url>``          ``X-Signature`` HMAC-SHA256
============  ===========================  ===========================  =========================

The payload shapes follow each provider's public API documentation; check them against a real
account before going live (``RK_WHATSAPP_BACKEND`` picks the class, the other ``RK_WHATSAPP_*``
settings configure it).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

from notifications.models import DELIVERY_RANK, DeliveryStatus

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    """A temporary failure: the message did not go out and may on a later try."""


class PermanentGatewayError(Exception):
    """The gateway refused the message for good (bad number, bad token…)."""


class OutcomeUnknown(GatewayError):
    """The request may have reached the provider (a timeout after sending): ask before resending."""

    def __init__(self, message: str, message_id: str = ""):
        super().__init__(message)
        self.message_id = message_id


class LookupUnsupported(Exception):
    """This provider cannot tell us about a message on request: wait for its webhook."""


class WebhookRejected(Exception):
    """The webhook's signature (or shape) is wrong."""


@dataclass(frozen=True)
class StatusReport:
    status: str  # a DeliveryStatus
    message_id: str = ""
    reference: str = ""


# Provider words → our DeliveryStatus (anything else is ignored).
STATUS_WORDS = {
    "accepted": DeliveryStatus.ACCEPTED, "pending": DeliveryStatus.ACCEPTED, "waiting": DeliveryStatus.ACCEPTED,
    "processing": DeliveryStatus.ACCEPTED, "queued": DeliveryStatus.ACCEPTED, "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED, "received": DeliveryStatus.DELIVERED, "read": DeliveryStatus.READ,
    "failed": DeliveryStatus.FAILED, "invalid": DeliveryStatus.FAILED, "expired": DeliveryStatus.FAILED,
    "rejected": DeliveryStatus.FAILED, "cancel": DeliveryStatus.FAILED, "undelivered": DeliveryStatus.FAILED,
}


def status_word(word) -> str | None:
    return STATUS_WORDS.get(str(word or "").strip().lower())


def signature_ok(secret: str, body: bytes, given: str, prefix: str = "") -> bool:
    if not secret or not given:
        return False
    expected = prefix + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.strip())


class LogGateway:
    """Development: writes the message to the log and reports it sent."""

    def send(self, *, to: str, message: str, reference: str) -> str:
        logger.info("WhatsApp %s to %s: %s", reference, to, message)
        return ""

    def lookup(self, *, reference: str, message_id: str) -> str | None:
        raise LookupUnsupported

    def parse_webhook(self, request) -> list[StatusReport]:
        raise WebhookRejected("the log gateway has no webhook")


class Session(requests.Session):
    """A ``requests`` session that reads the environment (proxy variables, CA bundle) once per host
    and process. With ``trust_env`` requests reads it on every call, which cost about as much CPU as
    the rest of a call to a gateway on the same network."""

    def __init__(self):
        super().__init__()
        self.trust_env = False
        self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self._proxies: dict[tuple[str, str], dict] = {}

    def request(self, method, url, *args, **kwargs):
        if kwargs.get("proxies") is None:
            parts = urlsplit(url)
            key = (parts.scheme, parts.netloc)
            if key not in self._proxies:
                self._proxies[key] = requests.utils.get_environ_proxies(url)  # honours NO_PROXY for this host
            kwargs["proxies"] = self._proxies[key]
        return super().request(method, url, *args, **kwargs)


class HttpGatewayBase:
    """One HTTP POST per message with ``requests``; tells a sure failure from an unknown outcome."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url or settings.RK_WHATSAPP_URL
        self.token = token if token is not None else settings.RK_WHATSAPP_TOKEN
        self.timeout = timeout or settings.RK_WHATSAPP_TIMEOUT
        self.session = Session()
        # One session per worker process, shared by its delivery threads: keep enough connections.
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _post(self, url, **kwargs) -> requests.Response:
        try:
            response = self.session.post(url, timeout=(min(self.timeout, 5.0), self.timeout), **kwargs)
        except requests.ConnectTimeout as error:  # never connected: nothing was sent
            raise GatewayError(f"gateway unreachable: {error}") from None
        except requests.ConnectionError as error:
            # Refused or DNS before sending is safe to retry; a connection lost later is not.
            if _before_sending(error):
                raise GatewayError(f"gateway unreachable: {error}") from None
            raise OutcomeUnknown(f"connection lost after sending: {error}") from None
        except requests.Timeout as error:  # read timeout: the provider may have the message
            raise OutcomeUnknown(f"no answer within {self.timeout:.0f}s: {error}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise GatewayError(f"HTTP {response.status_code} from the gateway")
        if response.status_code >= 400:
            raise PermanentGatewayError(f"HTTP {response.status_code} from the gateway")
        return response

    @staticmethod
    def _json(response) -> dict:
        try:
            data = response.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def lookup(self, *, reference: str, message_id: str) -> str | None:
        raise LookupUnsupported

    def parse_webhook(self, request) -> list[StatusReport]:
        raise WebhookRejected("no webhook for this gateway")


def _before_sending(error: Exception) -> bool:
    text = repr(error)
    return any(s in text for s in ("NewConnectionError", "Connection refused", "NameResolutionError", "Failed to resolve"))


class HttpGateway(HttpGatewayBase):
    """Our own small protocol, for a relay or an in-house gateway (and the tests):

    ``POST RK_WHATSAPP_URL`` JSON ``{"to", "message", "reference"}`` with ``Authorization: Bearer``,
    answering ``{"id": "…"}``; ``GET RK_WHATSAPP_STATUS_URL`` (``{reference}`` filled in) answering
    ``{"status": "…"}`` or 404; webhooks POST ``{"reference"|"id", "status"}`` signed with
    ``X-Signature: <hex HMAC-SHA256 of the body with RK_WHATSAPP_WEBHOOK_SECRET>``.
    """

    def send(self, *, to: str, message: str, reference: str) -> str:
        response = self._post(self.url, json={"to": to, "message": message, "reference": reference},
                               headers={"Authorization": f"Bearer {self.token}"})
        return str(self._json(response).get("id") or "")

    def lookup(self, *, reference: str, message_id: str) -> str | None:
        if not settings.RK_WHATSAPP_STATUS_URL:
            raise LookupUnsupported
        url = settings.RK_WHATSAPP_STATUS_URL.format(reference=reference, message_id=message_id)
        try:
            response = self.session.get(url, headers={"Authorization": f"Bearer {self.token}"}, timeout=(3, self.timeout))
        except requests.RequestException as error:
            raise GatewayError(f"status lookup failed: {error}") from None
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise GatewayError(f"HTTP {response.status_code} from the status lookup")
        return status_word(self._json(response).get("status")) or DeliveryStatus.ACCEPTED

    def parse_webhook(self, request) -> list[StatusReport]:
        if not signature_ok(settings.RK_WHATSAPP_WEBHOOK_SECRET, request.body, request.headers.get("X-Signature", "")):
            raise WebhookRejected("bad signature")
        data = _body(request)
        status = status_word(data.get("status"))
        return [StatusReport(status, str(data.get("id") or ""), str(data.get("reference") or ""))] if status else []


class FonnteGateway(HttpGatewayBase):
    """Fonnte (api.fonnte.com): form POST ``target``/``message`` with ``Authorization: <token>``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = self.url or "https://api.fonnte.com/send"

    def send(self, *, to: str, message: str, reference: str) -> str:
        response = self._post(self.url, data={"target": to.lstrip("+"), "message": message},
                              headers={"Authorization": self.token})
        data = self._json(response)
        if data.get("status") is False:  # Fonnte answers 200 with status false on a refusal
            raise PermanentGatewayError(f"Fonnte: {data.get('reason', 'refused')}")
        ids = data.get("id") or []
        return str(ids[0] if isinstance(ids, list) and ids else ids or "")

    def lookup(self, *, reference: str, message_id: str) -> str | None:
        if not message_id:
            raise LookupUnsupported  # Fonnte knows messages only by its own id
        try:
            response = self.session.post(self.url.rsplit("/", 1)[0] + "/status", data={"id": message_id},
                                         headers={"Authorization": self.token}, timeout=(3, self.timeout))
        except requests.RequestException as error:
            raise GatewayError(f"status lookup failed: {error}") from None
        data = self._json(response)
        if data.get("status") is False:
            return None
        return status_word(data.get("message_status")) or DeliveryStatus.ACCEPTED

    def parse_webhook(self, request) -> list[StatusReport]:
        data = _body(request)  # Fonnte signs nothing: the secret URL token is the only check
        status = status_word(data.get("state")) or status_word(data.get("status"))
        return [StatusReport(status, str(data.get("id") or ""))] if status and data.get("id") else []


class WablasGateway(HttpGatewayBase):
    """Wablas (``<server>.wablas.com/api/send-message``): ``Authorization: <token>.<secret key>``."""

    def send(self, *, to: str, message: str, reference: str) -> str:
        response = self._post(self.url, data={"phone": to.lstrip("+"), "message": message, "ref_id": reference},
                              headers={"Authorization": self.token})
        data = self._json(response)
        if data.get("status") is False:
            raise PermanentGatewayError(f"Wablas: {data.get('message', 'refused')}")
        messages = (data.get("data") or {}).get("messages") or [{}]
        return str(messages[0].get("id") or "")

    def parse_webhook(self, request) -> list[StatusReport]:
        data = _body(request)
        status = status_word(data.get("status"))
        if not status or not (data.get("id") or data.get("ref_id")):
            return []
        return [StatusReport(status, str(data.get("id") or ""), str(data.get("ref_id") or ""))]


class QontakGateway(HttpGatewayBase):
    """Qontak (Mekari) direct WhatsApp broadcast: an approved template whose one body parameter is
    our text (``RK_QONTAK_TEMPLATE_ID``, ``RK_QONTAK_CHANNEL_ID``), ``Authorization: Bearer``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = self.url or "https://service-chat.qontak.com/api/open/v1/broadcasts/whatsapp/direct"

    def send(self, *, to: str, message: str, reference: str) -> str:
        payload = {
            "to_number": to.lstrip("+"), "to_name": to, "message_template_id": settings.RK_QONTAK_TEMPLATE_ID,
            "channel_integration_id": settings.RK_QONTAK_CHANNEL_ID, "language": {"code": "id"},
            "parameters": {"body": [{"key": "1", "value": "message", "value_text": message}]},
        }
        response = self._post(self.url, json=payload, headers={"Authorization": f"Bearer {self.token}"})
        return str((self._json(response).get("data") or {}).get("id") or "")

    def lookup(self, *, reference: str, message_id: str) -> str | None:
        if not message_id:
            raise LookupUnsupported
        base = self.url.split("/broadcasts/")[0]
        try:
            response = self.session.get(f"{base}/broadcasts/{message_id}/whatsapp/log",
                                        headers={"Authorization": f"Bearer {self.token}"}, timeout=(3, self.timeout))
        except requests.RequestException as error:
            raise GatewayError(f"status lookup failed: {error}") from None
        if response.status_code == 404:
            return None
        entries = self._json(response).get("data") or []
        words = [status_word(e.get("status")) for e in entries if isinstance(e, dict)]
        return max((w for w in words if w), key=_rank, default=DeliveryStatus.ACCEPTED)

    def parse_webhook(self, request) -> list[StatusReport]:
        data = _body(request)
        status = status_word(data.get("status"))
        message_id = data.get("broadcast_id") or data.get("id") or ""
        return [StatusReport(status, str(message_id))] if status and message_id else []


class MetaCloudGateway(HttpGatewayBase):
    """The WhatsApp Business Cloud API (``graph.facebook.com/<version>/<phone number id>/messages``).

    Our reference travels as ``biz_opaque_callback_data`` and comes back in every status webhook,
    so even a send that timed out is matched. Webhooks are signed with the app secret
    (``X-Hub-Signature-256``); there is no status API, so an unknown outcome waits for the webhook.
    Free text reaches a person only inside the 24-hour window after their last message; outside
    it Meta requires an approved template.
    """

    def send(self, *, to: str, message: str, reference: str) -> str:
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to.lstrip("+"),
                   "type": "text", "text": {"preview_url": False, "body": message}, "biz_opaque_callback_data": reference}
        response = self._post(self.url, json=payload, headers={"Authorization": f"Bearer {self.token}"})
        messages = self._json(response).get("messages") or [{}]
        return str(messages[0].get("id") or "")

    def parse_webhook(self, request) -> list[StatusReport]:
        given = request.headers.get("X-Hub-Signature-256", "")
        if not signature_ok(settings.RK_WHATSAPP_WEBHOOK_SECRET, request.body, given, prefix="sha256="):
            raise WebhookRejected("bad signature")
        reports = []
        for entry in _body(request).get("entry") or []:
            for change in entry.get("changes") or []:
                for item in (change.get("value") or {}).get("statuses") or []:
                    status = status_word(item.get("status"))
                    if status:
                        reports.append(StatusReport(status, str(item.get("id") or ""), str(item.get("biz_opaque_callback_data") or "")))
        return reports


def _rank(status):
    return DELIVERY_RANK.get(status, 0)


def _body(request) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise WebhookRejected("not JSON") from None
        return data if isinstance(data, dict) else {}
    return request.POST.dict()

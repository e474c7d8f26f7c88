"""How a notification leaves the building: in-app (nothing to send), email, WhatsApp/SMS gateway.

The WhatsApp gateway is a small interface with two backends, chosen by ``RK_WHATSAPP_BACKEND``:
``LogGateway`` (the default: writes the message to the log) and ``HttpGateway``, which POSTs JSON
``{"to": "+62…", "message": "…", "reference": "rk-notification-<id>"}`` with
``Authorization: Bearer <token>`` and ``Idempotency-Key: <reference>`` to ``RK_WHATSAPP_URL``. The
reference lets the provider drop a repeat: if a worker dies after the gateway accepted a message but
before the outbox row was marked sent, the redelivered task sends it again under the same reference.
Errors worth retrying raise GatewayError; a refusal that will not change raises PermanentGatewayError.
"""
from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.module_loading import import_string

from notifications.models import Channel

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    """A temporary failure: the message may go out on a later try."""


class PermanentGatewayError(Exception):
    """The gateway refused the message for good (bad number, bad token…)."""


class LogGateway:
    def send(self, *, to: str, message: str, reference: str) -> None:
        logger.info("WhatsApp %s to %s: %s", reference, to, message)


class HttpGateway:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url or settings.RK_WHATSAPP_URL
        self.token = token if token is not None else settings.RK_WHATSAPP_TOKEN
        self.timeout = timeout or settings.RK_WHATSAPP_TIMEOUT

    def send(self, *, to: str, message: str, reference: str) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"to": to, "message": message, "reference": reference}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": reference,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            if error.code >= 500 or error.code == 429:
                raise GatewayError(f"HTTP {error.code} from the gateway") from None
            raise PermanentGatewayError(f"HTTP {error.code} from the gateway") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise GatewayError(f"gateway unreachable: {error}") from None


def whatsapp_gateway():
    return import_string(settings.RK_WHATSAPP_BACKEND)()


def text_with_link(notification) -> str:
    """The message body, and for messages that leave the app the full address to open."""
    if not notification.link:
        return notification.body
    with translation.override(notification.recipient.language):
        label = translation.gettext("Open:")
    return f"{notification.body}\n\n{label} {settings.RK_SITE_URL.rstrip('/')}{notification.link}"


def send(notification) -> None:
    """Send one notification on its channel; raises GatewayError / PermanentGatewayError."""
    recipient = notification.recipient
    if notification.channel == Channel.IN_APP:
        return
    if notification.channel == Channel.EMAIL:
        try:
            send_mail(notification.subject, text_with_link(notification), None, [recipient.email], fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise GatewayError(f"email: {error}") from None
        return
    if notification.channel == Channel.WHATSAPP:
        text = f"{notification.subject}\n\n{text_with_link(notification)}"
        whatsapp_gateway().send(to=recipient.phone, message=text, reference=f"rk-notification-{notification.pk}")
        return
    raise PermanentGatewayError(f"unknown channel {notification.channel}")

"""How a notification leaves the building: in-app (nothing to send), email, WhatsApp gateway.

The gateways live in notifications/gateways.py (``RK_WHATSAPP_BACKEND`` picks one). Every email
carries a stable ``Message-ID`` per notification (``<rk-notification-<id>@<site host>>``), so a
resend after an unknown outcome is recognisably the same message to mail servers and clients.
"""
from __future__ import annotations

import smtplib
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.module_loading import import_string

from notifications.gateways import (  # noqa: F401 - the channel's vocabulary, re-exported
    GatewayError,
    HttpGateway,
    LogGateway,
    LookupUnsupported,
    OutcomeUnknown,
    PermanentGatewayError,
    WebhookRejected,
)
from notifications.models import Channel

_gateways: dict = {}


def whatsapp_gateway():
    """One gateway object per backend and process (it keeps its HTTP connections alive)."""
    key = (settings.RK_WHATSAPP_BACKEND, settings.RK_WHATSAPP_URL, settings.RK_WHATSAPP_TOKEN)
    if key not in _gateways:
        _gateways.clear()
        _gateways[key] = import_string(settings.RK_WHATSAPP_BACKEND)()
    return _gateways[key]


def text_with_link(notification) -> str:
    """The message body, and for messages that leave the app the full address to open."""
    if not notification.link:
        return notification.body
    with translation.override(notification.recipient.language):
        label = translation.gettext("Open:")
    return f"{notification.body}\n\n{label} {settings.RK_SITE_URL.rstrip('/')}{notification.link}"


_mail = threading.local()


def _send_on_kept_connection(email) -> None:
    """Send on this thread's open SMTP connection (one handshake per worker thread, not per message);
    a connection the server closed while idle is opened again once."""
    key = (settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""), getattr(settings, "EMAIL_PORT", ""))
    for attempt in (1, 2):
        if getattr(_mail, "key", None) != key or _mail.connection is None:
            _close_mail_connection()
            _mail.connection, _mail.key = get_connection(fail_silently=False), key
            _mail.connection.open()
        email.connection = _mail.connection
        try:
            email.send(fail_silently=False)
            return
        except smtplib.SMTPServerDisconnected:
            _close_mail_connection()
            if attempt == 2:
                raise


def _close_mail_connection() -> None:
    connection = getattr(_mail, "connection", None)
    _mail.connection = None
    if connection is not None:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - already broken
            pass


def message_id(notification) -> str:
    host = urlsplit(settings.RK_SITE_URL).hostname or "localhost"
    return f"<{notification.reference}@{host}>"


def send(notification) -> str:
    """Send one notification on its channel; returns the provider's message id ('' if none).

    Raises GatewayError (retry), OutcomeUnknown (ask before resending) or PermanentGatewayError.
    """
    recipient = notification.recipient
    if notification.channel == Channel.IN_APP:
        return ""
    if notification.channel == Channel.EMAIL:
        email = EmailMessage(notification.subject, text_with_link(notification), None, [recipient.email],
                             headers={"Message-ID": message_id(notification)})
        try:
            _send_on_kept_connection(email)
        except (smtplib.SMTPException, OSError) as error:
            _close_mail_connection()
            raise GatewayError(f"email: {error}") from None
        return message_id(notification)
    if notification.channel == Channel.WHATSAPP:
        text = f"{notification.subject}\n\n{text_with_link(notification)}"
        return whatsapp_gateway().send(to=recipient.phone, message=text, reference=notification.reference)
    raise PermanentGatewayError(f"unknown channel {notification.channel}")

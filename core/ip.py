"""The client's IP address, also behind the reverse proxy.

nginx (deploy/nginx) sets ``X-Forwarded-For`` to the address it saw. That header is trusted only when
the request really comes from one of ``RK_TRUSTED_PROXIES``; otherwise anyone could pick their own
address to dodge rate limits and login lock-outs. A forwarded address that is not an IP address is
refused with 400 (``SuspiciousOperation``) rather than stored in a lock-out record or a rate-limit key.
"""
import ipaddress

from django.conf import settings
from django.core.exceptions import SuspiciousOperation


class MalformedForwardedFor(SuspiciousOperation):
    """X-Forwarded-For from our proxy does not end in an IP address."""


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in settings.RK_TRUSTED_PROXIES:
        # The right-most address was added by our proxy; anything left of it came from the client.
        address = forwarded.split(",")[-1].strip()
        if not address:
            return remote
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            raise MalformedForwardedFor("malformed X-Forwarded-For") from None
    return remote

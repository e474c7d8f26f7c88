"""The client's IP address, also behind the reverse proxy.

nginx (deploy/nginx) sets ``X-Forwarded-For`` to the address it saw. That header is trusted only when
the request really comes from one of ``RK_TRUSTED_PROXIES``; otherwise anyone could pick their own
address to dodge rate limits and login lock-outs.
"""
from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in settings.RK_TRUSTED_PROXIES:
        # The right-most address was added by our proxy; anything left of it came from the client.
        return forwarded.split(",")[-1].strip() or remote
    return remote


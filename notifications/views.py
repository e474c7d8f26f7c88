from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from notifications import channels, services
from notifications.models import Channel, Notification


@login_required
def inbox(request):
    items = Notification.objects.filter(recipient=request.user, channel=Channel.IN_APP).order_by("-created_at", "-id")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def unread(request):
    """The navbar's unread count alone, for htmx to refresh (the context processor counts)."""
    return render(request, "notifications/partials/unread.html")


@login_required
@require_POST
def open_notification(request, pk):
    """Mark one message read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user, channel=Channel.IN_APP)
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.link
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications:inbox"
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    return redirect("notifications:inbox")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request, token):
    """The WhatsApp provider's status reports (sent, delivered, read, failed), in any order.

    Reached only under the secret ``RK_WHATSAPP_WEBHOOK_TOKEN`` (404 otherwise, and while it is
    unset); the gateway checks the provider's signature where it signs (Meta, our HTTP protocol).
    GET answers Meta's subscription check with ``RK_WHATSAPP_VERIFY_TOKEN``.
    """
    expected = settings.RK_WHATSAPP_WEBHOOK_TOKEN
    if not expected or not constant_time_compare(token, expected):
        raise Http404
    if request.method == "GET":
        verify = settings.RK_WHATSAPP_VERIFY_TOKEN
        if request.GET.get("hub.mode") == "subscribe" and verify and constant_time_compare(request.GET.get("hub.verify_token", ""), verify):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    try:
        reports = channels.whatsapp_gateway().parse_webhook(request)
    except channels.WebhookRejected:
        return HttpResponseForbidden()
    changed = sum(
        services.delivery_status_record(status=r.status, message_id=r.message_id, reference=r.reference) for r in reports
    )
    return JsonResponse({"received": len(reports), "changed": changed})

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import services
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

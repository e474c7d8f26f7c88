from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings.workflow import Status

register = template.Library()

_COLOURS = {
    Status.SUBMITTED: "text-bg-secondary",
    Status.NEEDS_INFO: "text-bg-warning",
    Status.VERIFIED: "text-bg-info",
    Status.QUEUED: "text-bg-info",
    Status.DESIGN: "text-bg-primary",
    Status.AWAITING_APPROVAL: "text-bg-warning",
    Status.REVISION: "text-bg-primary",
    Status.APPROVED: "text-bg-primary",
    Status.PRODUCTION: "text-bg-primary",
    Status.READY: "text-bg-success",
    Status.DONE: "text-bg-success",
    Status.REJECTED: "text-bg-danger",
    Status.CANCELLED: "text-bg-dark",
}


@register.simple_tag
def status_badge(status: str):
    label = Status(status).label if status in Status.values else status
    return format_html('<span class="badge status {}">{}</span>', _COLOURS.get(status, "text-bg-secondary"), label)


@register.filter
def status_label(status: str):
    return Status(status).label if status in Status.values else status


# The one thing an owner does next on a request that waits for them: label and where it is done.
_OWNER_ACTIONS = {
    Status.AWAITING_APPROVAL: (_("Review the design"), "bookings:proof_decide", {"decision": "setujui"}),
    Status.NEEDS_INFO: (_("Complete the data"), "bookings:detail", {}),
    Status.READY: (_("Collect the goods"), "bookings:detail", {}),
}


@register.simple_tag
def owner_action(booking) -> dict | None:
    """{"label", "url"} of the owner's next step on ``booking``, or None when nothing waits for them."""
    entry = _OWNER_ACTIONS.get(booking.status)
    if entry is None:
        return None
    label, name, kwargs = entry
    url = reverse(name, kwargs={"code": booking.code, **kwargs})
    return {"label": label, "url": url + ("#pickup" if booking.status == Status.READY else "")}


@register.filter
def event_title(event) -> str:
    """The headline of a history entry: the state reached, or what happened without a change of state
    (an assignment reads "Handled by Yohanes", not a second "In the queue")."""
    data = event.data or {}
    if event.action == "assign":
        name = data.get("name")
        return _("Handled by %(name)s") % {"name": name} if name else _("No longer assigned")
    if event.action == "priority":
        return _("Priority changed")
    if event.action == "print_requested":
        return _("Print request %(code)s made from this design") % {"code": data.get("code", "")}
    return status_label(event.to_status)

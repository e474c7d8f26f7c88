from django import template
from django.utils.html import format_html

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
    return format_html('<span class="badge rounded-pill {}">{}</span>', _COLOURS.get(status, "text-bg-secondary"), label)


@register.filter
def status_label(status: str):
    return Status(status).label if status in Status.values else status

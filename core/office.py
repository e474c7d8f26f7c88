"""The office that serves the owners: name, address, phone and opening hours, from settings.

One home for what pages (core.context_processors.site) and messages (notifications.services.render)
tell people about where and when to come.
"""
from django.conf import settings
from django.utils.translation import gettext as _


def office_hours() -> str:
    return settings.RK_OFFICE_HOURS or _("Monday to Friday, 08.00–15.00 WIT")


def office_info() -> dict:
    return {
        "office_name": settings.RK_OFFICE_NAME,
        "office_address": settings.RK_OFFICE_ADDRESS,
        "office_phone": settings.RK_OFFICE_PHONE,
        "office_hours": office_hours(),
    }

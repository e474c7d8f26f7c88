"""Who hears about the store: every active staff member when a material falls below its minimum."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import Role
from notifications.models import Notification
from notifications.services import notify


def low_stock(material, *, available: int) -> None:
    link = reverse("materials:store")
    for person in get_user_model().objects.filter(groups__name=Role.STAFF, is_active=True):
        notify(recipient=person, kind=Notification.Kind.LOW_STOCK, context={"material": material, "available": available}, link=link)

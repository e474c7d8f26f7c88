"""Who hears what about money: the owner of quotations, payments and rejected transfers; the treasurers
of transfers to confirm and refunds that fall due. Called inside the transaction that makes the change."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import Role
from notifications.models import Notification
from notifications.services import notify


def _treasurers():
    users = get_user_model().objects.filter(Q(groups__name=Role.TREASURER) | Q(is_superuser=True), is_active=True)
    return list(users.distinct())


def quotation_issued(booking, quotation) -> None:
    notify(recipient=booking.business.owner, kind=Notification.Kind.QUOTATION_ISSUED, context={"quotation": quotation},
           about=booking, link=booking.get_absolute_url())


def payment_received(booking, entry) -> None:
    if entry.recorded_by_id == booking.business.owner_id:
        return
    notify(recipient=booking.business.owner, kind=Notification.Kind.PAYMENT_RECEIVED, context={"entry": entry},
           about=booking, link=booking.get_absolute_url())


def transfer_submitted(booking, claim) -> None:
    for person in _treasurers():
        notify(recipient=person, kind=Notification.Kind.TRANSFER_SUBMITTED, context={"claim": claim}, about=booking,
               link=booking.get_absolute_url())


def transfer_rejected(booking, claim) -> None:
    notify(recipient=booking.business.owner, kind=Notification.Kind.TRANSFER_REJECTED, context={"claim": claim}, about=booking,
           link=booking.get_absolute_url())


def refund_due(booking, *, amount: int) -> None:
    for person in _treasurers():
        notify(recipient=person, kind=Notification.Kind.REFUND_DUE, context={"amount": amount}, about=booking,
               link=booking.get_absolute_url())

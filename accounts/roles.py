"""The roles, kept as auth groups (created by migration 0002)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("UMKM owner")
    STAFF = "staff", _("PLUT staff")
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Head of office")
    TREASURER = "treasurer", _("Treasurer")


# Roles that work inside the office and may see every business and booking.
OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.MANAGER, Role.TREASURER})
# Roles that may act on bookings as the office (fire staff transitions).
ACTING_OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN})
# Roles that record and confirm payments, close the day and read the cash book (with superusers).
MONEY_ROLES = frozenset({Role.TREASURER, Role.ADMIN})

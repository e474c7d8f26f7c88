"""The roles, kept as auth groups (created by migration 0002), and the sets of roles the rest of the
code asks about. A set is written here once; the view decorators (accounts.permissions), the
``User.is_office``/``acts_for_office`` properties, the workflow table and the staff queries derive
from these."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("UMKM owner")
    STAFF = "staff", _("PLUT staff")
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Head of office")
    TREASURER = "treasurer", _("Treasurer")


def roles_of(user) -> frozenset[str]:
    """The user's roles, a superuser counting as an admin."""
    roles = set(user.roles)
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return frozenset(roles)


# An owner acts on their own businesses and requests only.
OWNER_ROLES = frozenset({Role.OWNER})
# Roles that work inside the office and may see every business and booking.
OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.MANAGER, Role.TREASURER})
# Roles that may act on bookings as the office (fire staff transitions, be assigned work).
ACTING_OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN})
# Roles that record and confirm payments, close the day and read the cash book (with superusers).
MONEY_ROLES = frozenset({Role.TREASURER, Role.ADMIN})
# Roles that manage accounts (merging owners) and the configuration.
ADMIN_ROLES = frozenset({Role.ADMIN})
# Roles that read the reports and exports.
REPORT_ROLES = frozenset({Role.ADMIN, Role.MANAGER})
# Roles that read the money and materials report.
MONEY_REPORT_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.TREASURER})
# Roles that see the office's work outside the bookings board — the store, the outreach trips (the
# treasurer keeps to the money).
WORK_READER_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.MANAGER})

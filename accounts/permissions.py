"""View decorators, one per role set of accounts.roles. Superusers count as admins."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.roles import (
    ACTING_OFFICE_ROLES, ADMIN_ROLES, MONEY_REPORT_ROLES, MONEY_ROLES, OFFICE_ROLES, OWNER_ROLES, REPORT_ROLES, WORK_READER_ROLES,
    roles_of,
)


def role_required(roles: frozenset[str]):
    """Signed-in users with one of ``roles`` (superusers count as admins); others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not roles_of(request.user) & roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


owner_required = role_required(OWNER_ROLES)
office_required = role_required(OFFICE_ROLES)
acting_office_required = role_required(ACTING_OFFICE_ROLES)
report_reader_required = role_required(REPORT_ROLES)
admin_required = role_required(ADMIN_ROLES)
money_required = role_required(MONEY_ROLES)
money_report_reader_required = role_required(MONEY_REPORT_ROLES)
work_reader_required = role_required(WORK_READER_ROLES)

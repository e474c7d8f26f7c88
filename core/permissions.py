from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.roles import Role


def role_required(*roles: str):
    """Signed-in users with one of ``roles`` (superusers count as admins); others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.roles.intersection(roles) or (user.is_superuser and Role.ADMIN in roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


owner_required = role_required(Role.OWNER)

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and businesses")

    def ready(self):
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")


def sync_role_permissions(sender, **kwargs):
    """Admins manage everything of the project's apps in the Django admin; heads of office may view it.

    The notification outbox (``notifications``) is part of it: admins look there for failed messages
    (read-only in its admin), heads of office may look too.
    """
    # Imported here, not at the top: auth's models may be imported only once the app registry is ready.
    from django.contrib.auth.models import Group, Permission

    app_labels = ["accounts", "products", "bookings", "payments", "materials", "notifications", "intake"]
    perms = Permission.objects.filter(content_type__app_label__in=app_labels)
    admin = Group.objects.filter(name=Role.ADMIN).first()
    manager = Group.objects.filter(name=Role.MANAGER).first()
    if admin:
        admin.permissions.add(*perms)
    if manager:
        manager.permissions.add(*perms.filter(codename__startswith="view_"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Imported here, not at the top: the check reads the models, importable only once the registry is ready.
        from notifications import checks  # noqa: F401 - registers the system check

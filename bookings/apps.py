from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the app registry is ready.
        from accounts.services import DATA_EXPORT_SECTIONS
        from bookings.selectors import requests_for_export

        DATA_EXPORT_SECTIONS["requests"] = requests_for_export

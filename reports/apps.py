from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Imported here: models are not importable before the app registry is ready.
        from bookings import hooks
        from reports import rollup

        # The report's roll-up is refreshed in the transaction that changes a booking (reports.rollup).
        hooks.register(hooks.changed, rollup.refresh)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Imported here: models are not importable before the app registry is ready.
        from bookings import hooks
        from reports import rollup

        # A booking's change marks its roll-up dirty in the same transaction; the report refreshes the
        # marked facts before it reads them (reports.rollup).
        hooks.register(hooks.changed, rollup.mark)

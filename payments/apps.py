from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        # Imported here, not at the top: they import models, importable only once the app registry is ready.
        from bookings import hooks
        from payments import panels, services

        hooks.register(hooks.verify_checks, services.quota_problems)
        hooks.register(hooks.verified, services.after_verified)
        hooks.register(hooks.production_gates, services.production_gate)
        hooks.register(hooks.closed, services.after_closed)
        hooks.register(hooks.detail_panels, panels.booking_panel)

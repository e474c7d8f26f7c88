from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Materials store")

    def ready(self):
        # Imported here, not at the top: they import models, importable only once the app registry is ready.
        from bookings import hooks
        from materials import services

        hooks.register(hooks.entering_production, services.reserve_for)
        hooks.register(hooks.production_finished, services.consume_for)
        hooks.register(hooks.closed, services.release_for)
        hooks.register(hooks.queue_delays, services.queue_delays)

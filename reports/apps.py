from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        # After `migrate`: a database whose bookings have no facts yet (an upgrade to this version, or a
        # migration that emptied the facts to change their shape) gets them built by the current code.
        post_migrate.connect(build_missing_facts, sender=self)


def build_missing_facts(sender, using="default", **kwargs):
    from reports import rollup

    rollup.build_missing(using=using)

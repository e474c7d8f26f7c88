"""System check (``manage.py check``, runserver, the test run): every notification kind has its message
template, so a kind added without one fails before any person's action does."""
from django.core.checks import Error, Tags, register
from django.db import connections
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from notifications.models import Notification


@register()
def kinds_have_templates(app_configs=None, **kwargs):
    errors = []
    for kind in Notification.Kind:
        name = f"notifications/messages/{kind.value}.txt"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            errors.append(Error(f"Notification kind {kind.value!r} has no template {name}.", id="notifications.E001"))
    return errors


@register(Tags.database)
def sqlite_can_return_rows(app_configs=None, databases=None, **kwargs):
    """Delivery claims a row with ``UPDATE … RETURNING`` (notifications/services.py), which SQLite has
    from 3.35 (PostgreSQL always). Checked when the database checks run (migrate, the test run)."""
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 35):
            errors.append(Error(
                f"SQLite {connection.Database.sqlite_version} is too old for notification delivery (UPDATE … RETURNING needs 3.35).",
                hint="Use a Python built with SQLite 3.35 or later, or PostgreSQL (set DATABASE_URL).",
                id="notifications.E002",
            ))
    return errors

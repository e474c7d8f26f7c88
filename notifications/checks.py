"""System check (``manage.py check``, runserver, the test run): every notification kind has its message
template, so a kind added without one fails before any person's action does."""
from django.core.checks import Error, register
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

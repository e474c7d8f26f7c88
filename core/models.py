from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """The last sign of life of a background process: each worker, and beat (core/heartbeats.py).

    One row per process name, updated in place every ``RK_HEARTBEAT_SECONDS``; ``/healthz`` reports
    each one's age and turns red when the newest of a kind is older than ``RK_HEARTBEAT_STALE_SECONDS``.
    """

    class Kind(models.TextChoices):
        WORKER = "worker", _("Worker")
        BEAT = "beat", _("Beat")

    name = models.CharField(_("name"), max_length=200, primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    seen_at = models.DateTimeField(_("seen at"))
    # The queues a worker consumes, comma-separated: /healthz wants a live worker on every queue.
    queues = models.CharField(_("queues"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class VisibleQuerySet(models.QuerySet):
    """The one rule of who sees a row: the office sees every row; anyone else only the rows they own,
    reached through the model's ``owner_lookup`` (``"business__owner"`` on a booking). Models that
    belong to an owner use ``objects = VisibleQuerySet.as_manager()``; selectors call
    ``Model.objects.visible_to(user)`` and add their joins. ``user`` needs ``is_office``
    (accounts.User has it; core imports no app)."""

    def visible_to(self, user):
        if user.is_office:
            return self
        return self.filter(**{self.model.owner_lookup: user})

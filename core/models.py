from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


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

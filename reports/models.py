from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

SCORE = [MinValueValidator(1), MaxValueValidator(4)]


class SurveyResponse(TimeStampedModel):
    """A satisfaction survey (SKM, PermenPAN-RB 14/2017) answered by the owner after hand-over.

    Nine elements (unsur), each scored 1 (not good) to 4 (very good); see reports.survey.
    """

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="survey", verbose_name=_("booking")
    )
    u1 = models.PositiveSmallIntegerField(validators=SCORE)
    u2 = models.PositiveSmallIntegerField(validators=SCORE)
    u3 = models.PositiveSmallIntegerField(validators=SCORE)
    u4 = models.PositiveSmallIntegerField(validators=SCORE)
    u5 = models.PositiveSmallIntegerField(validators=SCORE)
    u6 = models.PositiveSmallIntegerField(validators=SCORE)
    u7 = models.PositiveSmallIntegerField(validators=SCORE)
    u8 = models.PositiveSmallIntegerField(validators=SCORE)
    u9 = models.PositiveSmallIntegerField(validators=SCORE)
    comment = models.TextField(_("comment or suggestion"), blank=True)
    # The ministry's indicator for assisted UMKM (increase in business volume): the monthly turnover band
    # now, next to the band the business had before (recorded at intake), copied when the survey is answered.
    turnover_band = models.CharField(_("monthly turnover now"), max_length=12, blank=True)
    turnover_band_before = models.CharField(_("monthly turnover before"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey response")
        verbose_name_plural = _("satisfaction survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"u{i}__gte": 1 for i in range(1, 10)}) & Q(**{f"u{i}__lte": 4 for i in range(1, 10)}),
                name="survey_scores_1_to_4",
            )
        ]

    def __str__(self):
        return f"SKM {self.booking_id}"


class ReportExport(TimeStampedModel):
    """A report or data export made by a Celery task; downloadable once ready."""

    class Kind(models.TextChoices):
        REPORT_XLSX = "report_xlsx", _("Report (XLSX)")
        REPORT_CSV = "report_csv", _("Report summary (CSV)")
        BOOKINGS_XLSX = "bookings_xlsx", _("Requests of the period with stage times (XLSX)")
        BOOKINGS_CSV = "bookings_csv", _("Requests of the period with stage times (CSV)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED

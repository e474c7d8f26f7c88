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


class BookingFact(models.Model):
    """The roll-up of one booking for the throughput report (reports.rollup keeps it; reports.metrics reads it).

    Same field names as ``Booking`` so the report's filters and groupings read either; the derived values
    (``closed_day``, ``lead_days``, ``revisions``) are computed by the same SQL expressions the live path
    uses. The business, its district, the service and the assignee are joined at read time (small tables),
    so editing a business never leaves a stale copy here.
    """

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    business = models.ForeignKey("accounts.Business", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    service = models.ForeignKey("bookings.Service", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, db_constraint=False, related_name="+"
    )
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=25)
    submitted_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    closed_day = models.DateField(null=True)  # the local (WIT) date of closed_at
    due_date = models.DateField(null=True)
    lead_days = models.FloatField(null=True)  # closed_at - submitted_at in days (reports.metrics.lead_time)
    quantity_produced = models.PositiveIntegerField(null=True)
    estimated_cost = models.PositiveBigIntegerField()
    revisions = models.PositiveIntegerField(default=0)  # its request_revision events

    class Meta:
        # The percentiles of lead time read these in order (index-only on PostgreSQL, no sort): overall,
        # and per service, staff member and channel; the filter columns ride along (INCLUDE).
        _along = ["status", "closed_at", "service", "assignee", "channel", "business"]
        indexes = [
            models.Index(fields=["status", "closed_at"], name="fact_status_closed"),
            models.Index(fields=["submitted_at"], name="fact_submitted"),
            models.Index(fields=["status", "lead_days"], include=_along[1:], name="fact_lead"),
            models.Index(fields=["service", "lead_days"], include=_along, name="fact_service_lead"),
            models.Index(fields=["assignee", "lead_days"], include=_along, name="fact_assignee_lead"),
            models.Index(fields=["channel", "lead_days"], include=_along, name="fact_channel_lead"),
        ]

    def __str__(self):
        return f"fact {self.booking_id}"


class StageFact(models.Model):
    """One stage time (a BookingEvent's ``stage_seconds``) of a completed booking, with the booking's
    filter fields and closing time copied so the report's stage medians need no join."""

    event = models.OneToOneField(
        "bookings.BookingEvent", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    booking = models.ForeignKey("bookings.Booking", on_delete=models.CASCADE, related_name="+")
    business = models.ForeignKey("accounts.Business", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    service = models.ForeignKey("bookings.Service", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, db_constraint=False, related_name="+"
    )
    channel = models.CharField(max_length=10)
    closed_at = models.DateTimeField()
    from_status = models.CharField(max_length=25)
    stage_seconds = models.PositiveIntegerField()
    stage_days = models.FloatField()  # stage_seconds / 86400.0, as reports.metrics.stages orders them

    class Meta:
        # The stage medians read this in order, index-only: no sort of the ~500,000 stage times of a year.
        indexes = [
            models.Index(
                fields=["from_status", "stage_days"], name="stagefact_stage_days",
                include=["closed_at", "stage_seconds", "service", "assignee", "channel", "business"],
            ),
        ]

    def __str__(self):
        return f"stage {self.event_id}"


class DirtyBooking(models.Model):
    """A booking whose facts may be stale: marked in the transaction that changes it (``reports.rollup.mark``),
    cleared by the refresh that recomputes them (``reports.rollup.refresh_dirty``, run before the report
    reads the facts and every minute by beat).

    A plain id, not a foreign key: a mark never blocks or cascades, and the mark of a deleted booking
    refreshes to nothing (its facts went with it). ``marked_at`` is what the writer's upsert sets, so that
    marking an already marked booking locks the mark row (see reports.rollup).
    """

    booking_id = models.BigIntegerField(primary_key=True)
    marked_at = models.DateTimeField()

    def __str__(self):
        return f"dirty {self.booking_id}"

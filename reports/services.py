"""Writes of the reports app: exports (made by a task) and survey answers."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.workflow import Status
from core.tasks import enqueue_after_commit
from reports import exports, tasks
from reports.metrics import ReportParams, build
from reports.models import ReportExport, SurveyResponse

EXTENSIONS = {
    ReportExport.Kind.REPORT_XLSX: "xlsx", ReportExport.Kind.BOOKINGS_XLSX: "xlsx",
    ReportExport.Kind.REPORT_CSV: "csv", ReportExport.Kind.BOOKINGS_CSV: "csv",
}


def export_request(*, user, kind: str, params: ReportParams) -> ReportExport:
    export = ReportExport.objects.create(requested_by=user, kind=kind, params=params.as_dict())
    enqueue_after_commit(tasks.build_export, export.pk)
    return export


def export_build(*, export: ReportExport) -> None:
    """Make the file of a pending export (idempotent: a ready export is left alone)."""
    if export.status == ReportExport.Status.READY:
        return
    params = ReportParams.from_dict(export.params)
    try:
        if export.kind == ReportExport.Kind.REPORT_XLSX:
            content = exports.report_xlsx(build(params))
        elif export.kind == ReportExport.Kind.REPORT_CSV:
            content = exports.report_csv(build(params))
        elif export.kind == ReportExport.Kind.BOOKINGS_XLSX:
            content = exports.bookings_xlsx(params)
        else:
            content = exports.bookings_csv(params)
    except Exception as error:  # noqa: BLE001 - recorded for the person who asked
        export.status, export.error, export.finished_at = ReportExport.Status.FAILED, str(error)[:2000], timezone.now()
        export.save(update_fields=["status", "error", "finished_at", "updated_at"])
        raise
    name = f"rumah-kemasan-{export.kind}-{params.start:%Y%m%d}-{params.end:%Y%m%d}.{EXTENSIONS[export.kind]}"
    export.file.save(name, ContentFile(content), save=False)
    export.status, export.finished_at = ReportExport.Status.READY, timezone.now()
    export.save(update_fields=["file", "status", "finished_at", "updated_at"])


def survey_submit(*, booking, user, answers: dict, comment: str = "") -> SurveyResponse:
    if booking.business.owner_id != user.pk:
        raise ValidationError(_("Only the owner of the request can answer its survey."))
    if booking.status != Status.DONE:
        raise ValidationError(_("The survey opens once the request is completed."))
    if SurveyResponse.objects.filter(booking=booking).exists():
        raise ValidationError(_("This survey has already been answered. Thank you!"))
    response = SurveyResponse(booking=booking, comment=comment, **answers)
    response.full_clean()
    response.save()
    return response

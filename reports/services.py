"""Writes of the reports app: exports (made by a task) and survey answers."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bookings.workflow import Status
from core.tasks import enqueue_after_commit
from reports import exports, selectors, tasks
from reports.metrics import ReportParams
from reports.models import ReportExport, SurveyResponse

EXTENSIONS = {
    ReportExport.Kind.REPORT_XLSX: "xlsx", ReportExport.Kind.BOOKINGS_XLSX: "xlsx",
    ReportExport.Kind.REPORT_CSV: "csv", ReportExport.Kind.BOOKINGS_CSV: "csv",
}


def export_language(export: ReportExport) -> str:
    """The language the export is written in: the one of the person who asked for it."""
    language = export.params.get("language")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def export_file_name(export: ReportExport) -> str:
    """A name the reader understands, e.g. laporan-rumah-kemasan-2026-01-01_2026-12-31.xlsx."""
    with translation.override(export_language(export)):
        if export.kind in (ReportExport.Kind.REPORT_XLSX, ReportExport.Kind.REPORT_CSV):
            what = pgettext("file name", "report")
        else:
            what = pgettext("file name", "requests")
    period = f"{export.params['start']}_{export.params['end']}" if {"start", "end"} <= export.params.keys() else f"{export.pk}"
    return f"{what}-rumah-kemasan-{period}.{EXTENSIONS[export.kind]}"


def export_request(*, user, kind: str, params: ReportParams, language: str | None = None) -> ReportExport:
    """Record the export and hand it to the worker; it is written in ``language`` (default: the active one)."""
    data = {**params.as_dict(), "language": language or translation.get_language() or settings.LANGUAGE_CODE}
    export = ReportExport.objects.create(requested_by=user, kind=kind, params=data)
    enqueue_after_commit(tasks.build_export, export.pk)
    return export


def export_build(*, export: ReportExport) -> None:
    """Make the file of a pending export (idempotent: a ready export is left alone)."""
    if export.status == ReportExport.Status.READY:
        return
    params = ReportParams.from_dict(export.params)
    try:
        with translation.override(export_language(export)):
            content = _export_content(export.kind, params)
    except Exception as error:  # noqa: BLE001 - recorded for the person who asked
        export.status, export.error, export.finished_at = ReportExport.Status.FAILED, str(error)[:2000], timezone.now()
        export.save(update_fields=["status", "error", "finished_at", "updated_at"])
        raise
    export.file.save(export_file_name(export), ContentFile(content), save=False)
    export.status, export.finished_at = ReportExport.Status.READY, timezone.now()
    export.save(update_fields=["file", "status", "finished_at", "updated_at"])


def _export_content(kind: str, params: ReportParams) -> bytes:
    if kind == ReportExport.Kind.REPORT_XLSX:
        return exports.report_xlsx(selectors.report(params))
    if kind == ReportExport.Kind.REPORT_CSV:
        return exports.report_csv(selectors.report(params))
    if kind == ReportExport.Kind.BOOKINGS_XLSX:
        return exports.bookings_xlsx(params)
    return exports.bookings_csv(params)


def survey_submit(*, booking, user, answers: dict, comment: str = "", turnover_band: str = "") -> SurveyResponse:
    if booking.business.owner_id != user.pk:
        raise ValidationError(_("Only the owner of the request can answer its survey."))
    if booking.status != Status.DONE:
        raise ValidationError(_("The survey opens once the request is completed."))
    if SurveyResponse.objects.filter(booking=booking).exists():
        raise ValidationError(_("This survey has already been answered. Thank you!"))
    business = booking.business
    response = SurveyResponse(booking=booking, comment=comment, turnover_band=turnover_band or "",
                              turnover_band_before=business.turnover_band if turnover_band else "", **answers)
    response.full_clean()
    with transaction.atomic():
        response.save()
        if turnover_band and business.turnover_band != turnover_band:
            business.turnover_band = turnover_band  # the latest band is the baseline of the next survey
            business.save(update_fields=["turnover_band", "updated_at"])
    return response

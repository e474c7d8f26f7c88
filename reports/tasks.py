"""Celery tasks of reports, thin. ``services`` enqueues them and they call ``services``: the two
import each other as modules, which Python resolves whichever comes first."""
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from reports import rollup, services
from reports.models import ReportExport


@shared_task(acks_late=True, ignore_result=True, time_limit=900, soft_time_limit=840)
def build_export(export_id: int) -> None:
    export = ReportExport.objects.filter(pk=export_id).first()
    if export is not None:
        services.export_build(export=export)


@shared_task(ignore_result=True)
def dispatch_pending_exports() -> int:
    """Beat: hand again to the worker the exports still waiting after 5 minutes (lost to a broker outage)."""
    ids = list(
        ReportExport.objects.filter(status=ReportExport.Status.PENDING, created_at__lt=timezone.now() - timedelta(minutes=5))
        .values_list("pk", flat=True)[:50]
    )
    for pk in ids:
        build_export.delay(pk)
    return len(ids)


@shared_task(ignore_result=True, time_limit=1800, soft_time_limit=1740)
def check_report_facts() -> int:
    """Beat, nightly: compare the report's roll-up with the bookings; repair and log any difference."""
    return len(rollup.check(repair=True))


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=280)
def refresh_report_facts() -> int:
    """Beat, every minute: refresh the facts of the bookings changed since the last refresh (the report
    does the same before it reads, so it normally finds little left)."""
    return rollup.refresh_dirty()

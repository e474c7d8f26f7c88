from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, time_limit=900, soft_time_limit=840)
def build_export(export_id: int) -> None:
    from reports.models import ReportExport
    from reports.services import export_build

    export = ReportExport.objects.filter(pk=export_id).first()
    if export is not None:
        export_build(export=export)

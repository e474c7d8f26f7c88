from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import owner_required
from accounts.permissions import money_report_reader_required as money_reader
from accounts.permissions import report_reader_required as report_reader
from bookings import selectors as booking_selectors
from bookings.models import Booking
from bookings.workflow import Status
from core.files import protected_file_response
from reports import money, selectors, services
from reports.charts import charts
from reports.forms import ReportForm
from reports.forms_survey import SurveyForm
from reports.models import ReportExport
from reports.survey import ELEMENTS, SCORES

@report_reader
def report(request):
    form = ReportForm(request.GET or None)
    if not form.is_bound:
        form = ReportForm({"period": "month"})
    context = {"form": form, **_exports(request.user), "kinds": ReportExport.Kind.choices}
    if form.is_valid():
        data = selectors.report(form.params())
        context.update(report=data, charts=charts(data), outreach=data["outreach"])
    return render(request, "reports/report.html", context)


@report_reader
@require_POST
def export(request):
    form = ReportForm(request.POST)
    kind = request.POST.get("kind")
    if kind not in ReportExport.Kind.values or not form.is_valid():
        messages.error(request, _("Choose a valid period and kind of export."))
        return redirect("reports:report")
    services.export_request(user=request.user, kind=kind, params=form.params())
    if request.htmx:  # the list alone, which then follows the export until its link is there
        return render(request, "reports/partials/exports.html", _exports(request.user))
    return redirect(f"{reverse('reports:report')}?{request.POST.get('query', '')}#exports")


def _exports(user) -> dict:
    exports = list(ReportExport.objects.filter(requested_by=user)[:10])
    return {"exports": exports, "exports_pending": any(e.status == ReportExport.Status.PENDING for e in exports)}


@report_reader
def exports_status(request):
    """The list of the person's exports (htmx refreshes it while one is being prepared)."""
    return render(request, "reports/partials/exports.html", _exports(request.user))


@report_reader
def download(request, pk):
    export = get_object_or_404(ReportExport, pk=pk, requested_by=request.user, status=ReportExport.Status.READY)
    return protected_file_response(export.file, download_name=services.export_file_name(export))


@owner_required
def survey(request, code):
    booking = booking_selectors.booking_for_detail(request.user, code)
    if booking.business.owner_id != request.user.pk:
        raise Http404
    if hasattr(booking, "survey"):
        messages.info(request, _("This survey has already been answered. Thank you!"))
        return redirect(booking)
    if booking.status != Status.DONE:
        messages.info(request, _("The survey opens once the request is completed."))
        return redirect(booking)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = {key: form.cleaned_data[key] for key, _label in ELEMENTS}
        try:
            services.survey_submit(booking=booking, user=request.user, answers=answers, comment=form.cleaned_data["comment"],
                                   turnover_band=form.cleaned_data.get("turnover_band", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you for your answers: they help the office serve better."))
        return redirect(booking)
    return render(request, "reports/survey.html", {"form": form, "booking": booking, "scores": SCORES})


def public_summary():
    """UMKM served this year per regency/city, for the landing page (cached for 10 minutes)."""
    year = timezone.localdate().year
    key = f"public-summary-{year}"
    data = cache.get(key)
    if data is None:
        rows = list(
            Booking.objects.filter(status=Status.DONE, closed_at__year=year)
            .values("business__district__name")
            .annotate(umkm=Count("business", distinct=True))
            .order_by("-umkm", "business__district__name")
        )
        total = Booking.objects.filter(status=Status.DONE, closed_at__year=year).values("business").distinct().count()
        data = {"year": year, "total": total, "rows": rows}
        cache.set(key, data, 600)
    return data


def _money_form(request):
    form = ReportForm(request.GET or None)
    if not form.is_bound:
        form = ReportForm({"period": "year"})
    return form


@money_reader
def money_report(request):
    """Income, outstanding balances, subsidy and material used, with charts and XLSX/CSV downloads."""
    form = _money_form(request)
    context = {"form": form}
    if form.is_valid():
        data = money.build(form.params())
        context.update(report=data, charts=money.charts(data), query=request.GET.urlencode())
    return render(request, "reports/money.html", context)


@money_reader
def money_export(request, fmt):
    """The money report as a file. Aggregates only (a few hundred rows): built in the request."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    form = _money_form(request)
    if not form.is_valid():
        messages.error(request, _("Choose a valid period and kind of export."))
        return redirect("reports:money")
    params = form.params()
    data = money.build(params)
    content, mime = (money.to_xlsx(data), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") if fmt == "xlsx" else (money.to_csv(data), "text/csv; charset=utf-8")
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="rumah-kemasan-keuangan-{params.start:%Y%m%d}-{params.end:%Y%m%d}.{fmt}"'
    return response

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from accounts.selectors import office_users
from bookings.models import BookingChannel, Service
from reports.metrics import ReportParams

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUICK = [("week", _("This week")), ("month", _("This month")), ("quarter", _("This quarter")), ("year", _("This year"))]


def quick_period(name: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if name == "week":
        start = today - datetime.timedelta(days=today.weekday())
        return start, start + datetime.timedelta(days=6)
    if name == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = today.replace(month=first_month, day=1)
        end_month = first_month + 2
        next_start = (start.replace(month=end_month, day=28) + datetime.timedelta(days=4)).replace(day=1)
        return start, next_start - datetime.timedelta(days=1)
    if name == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    start = today.replace(day=1)
    next_start = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, next_start - datetime.timedelta(days=1)


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=[("", _("Custom dates")), *QUICK], required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.order_by("sort_order"), required=False, empty_label=_("All"))
    district = forms.ModelChoiceField(label=_("Regency/city"), queryset=District.objects.all(), required=False, empty_label=_("All"))
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=None, required=False, empty_label=_("All"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *BookingChannel.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = office_users()
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):  # year 1 or 9999 cannot be turned into times in our time zone
            day = cleaned.get(name)
            if day and not self.EARLIEST <= day <= self.LATEST:
                self.add_error(name, _("Choose a date between %(earliest)s and %(latest)s.")
                               % {"earliest": self.EARLIEST.year, "latest": self.LATEST.year})
                cleaned.pop(name, None)
        if self.errors:
            return cleaned
        today = timezone.localdate()
        if cleaned.get("period") or not (cleaned.get("start") or cleaned.get("end")):
            cleaned["start"], cleaned["end"] = quick_period(cleaned.get("period") or "month", today)
        else:
            cleaned["start"] = cleaned.get("start") or today.replace(day=1)
            cleaned["end"] = cleaned.get("end") or today
        if cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end of the period must not be before its start."))
        elif (cleaned["end"] - cleaned["start"]).days > 3 * 366:
            self.add_error("end", _("Choose a period of at most three years."))
        return cleaned

    def params(self) -> ReportParams:
        data = self.cleaned_data
        return ReportParams(
            start=data["start"], end=data["end"],
            service_id=data["service"].pk if data.get("service") else None,
            district_id=data["district"].pk if data.get("district") else None,
            staff_id=data["staff"].pk if data.get("staff") else None,
            channel=data.get("channel") or None,
        )

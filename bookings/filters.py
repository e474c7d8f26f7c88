import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from accounts.selectors import office_users
from bookings.models import Booking, Service
from bookings.workflow import Status


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the office's time zone (WIT)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BookingFilter(django_filters.FilterSet):
    """Filters of the staff board and list: service, kabupaten/kota, assignee, status, dates, search."""

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    service = django_filters.ModelChoiceFilter(
        label=_("Service"), queryset=Service.objects.order_by("sort_order", "name"), empty_label=_("All")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="business__district", queryset=District.objects.filter(is_active=True),
        empty_label=_("All"),
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=office_users(), null_label=_("Nobody"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("All"))
    # Local (WIT) days as a range of moments, so the (submitted_at, id) index serves the range; a
    # ``__date`` lookup would convert every row's time first.
    submitted_from = django_filters.DateFilter(label=_("Submitted from"), method="submitted_since", widget=DATE)
    submitted_to = django_filters.DateFilter(label=_("Submitted until"), method="submitted_until", widget=DATE)

    class Meta:
        model = Booking
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["assignee"].queryset = office_users()
        for field in self.form.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def submitted_since(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=start_of_day(value))

    def submitted_until(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=start_of_day(value + datetime.timedelta(days=1)))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(business__name__icontains=value) | Q(product__name__icontains=value)
        )

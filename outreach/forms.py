"""Forms of the outreach trips and of the intake a device sends (validated again on the server)."""
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import DATE_INPUT, PhoneField
from accounts.models import Business, District, User
from accounts.roles import ACTING_OFFICE_ROLES
from bookings.models import Service
from intake.models import Visit
from outreach.models import OutreachTrip
from products.models import Product


class TripForm(forms.ModelForm):
    class Meta:
        model = OutreachTrip
        fields = ["district", "place", "starts_on", "ends_on", "team", "target", "note"]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "team": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(is_active=True)
        self.fields["team"].queryset = (
            User.objects.filter(groups__name__in=ACTING_OFFICE_ROLES, is_active=True).distinct().order_by("name")
        )
        self.fields["target"].min_value = 1
        self.fields["target"].widget.attrs["min"] = 1
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save trip"), css_class="btn-primary btn-lg"))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        if cleaned.get("target") is not None and cleaned["target"] < 1:
            self.add_error("target", _("Enter a target of at least 1."))
        return cleaned


class IntakeForm(forms.Form):
    """One request taken on a trip: the owner, the business, the product and the request.

    The offline page renders this form (labels, choices) and the device sends its fields back as JSON;
    the server cleans them here before anything is created."""

    owner_name = forms.CharField(label=_("Owner's name"), max_length=150)
    phone = PhoneField(label=_("WhatsApp number"))
    owner_gender = forms.ChoiceField(label=_("Owner's gender"), choices=Business.Gender.choices)
    business_name = forms.CharField(label=_("Business name"), max_length=150)
    district = forms.ModelChoiceField(label=_("Regency/city"), queryset=District.objects.filter(is_active=True))
    address = forms.CharField(label=_("Address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    sector = forms.ChoiceField(label=_("Sector"), choices=Business.Sector.choices)
    scale = forms.ChoiceField(label=_("Business scale"), choices=Business.Scale.choices, initial=Business.Scale.MICRO)
    product_name = forms.CharField(label=_("Product name"), max_length=150)
    category = forms.ChoiceField(label=_("Product category"), choices=Product.Category.choices)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(is_active=True), to_field_name="slug"
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    consent = forms.BooleanField(
        label=_("The owner agreed in person that UPTD PLUT processes their personal and business data (UU 27/2022)."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-field", name)

    def clean(self):
        cleaned = super().clean()
        service, quantity = cleaned.get("service"), cleaned.get("quantity")
        if service and quantity and quantity < service.minimum_order:
            self.add_error(
                "quantity",
                _("The minimum order for %(service)s is %(minimum)d.") % {"service": service.name, "minimum": service.minimum_order},
            )
        return cleaned


class VisitForm(forms.Form):
    """A guest-book entry taken on a trip: who came and why, without a request."""

    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=150)
    visitor_phone = PhoneField(label=_("WhatsApp number"), required=False)
    visitor_gender = forms.ChoiceField(label=_("Gender"), choices=Business.Gender.choices)
    visit_purpose = forms.ChoiceField(label=_("Purpose"), choices=Visit.Purpose.choices)
    visit_note = forms.CharField(label=_("What was discussed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-field", name)

"""Counter intake and guest-book forms: only what the counter needs, cleaned, then handed to services."""
from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PhoneField
from accounts.models import Business, District
from accounts.services import CONSENT_VERSION
from accounts.validators import validate_nik
from bookings.models import Service
from core.forms import ValidatedImageField
from intake.models import Visit
from products.models import Product

CONSENT_LABEL = _(
    "The owner agreed in person that UPTD PLUT processes their personal and business data (and NIK, if given) "
    "to provide packaging services, to send WhatsApp messages and to report to the government (UU 27/2022)."
)


class CounterIntakeForm(forms.Form):
    """A request taken at the counter. Without ``owner`` it also creates the owner and business."""

    # The owner (new owners only)
    name = forms.CharField(label=_("Owner's name"), max_length=150)
    phone = PhoneField(label=_("WhatsApp number"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Business.Gender.choices, widget=forms.RadioSelect)
    district = forms.ModelChoiceField(label=_("Regency/city"), queryset=District.objects.none(), empty_label=_("— choose —"))
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("— choose —")), *Business.Sector.choices])
    scale = forms.ChoiceField(label=_("Business scale"), choices=Business.Scale.choices, initial=Business.Scale.MICRO)
    business_name = forms.CharField(label=_("Business name (optional)"), max_length=150, required=False,
                                    help_text=_("Empty: the owner's name."))
    nik = forms.CharField(label=_("NIK (optional)"), max_length=16, required=False, validators=[validate_nik],
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    consent = forms.BooleanField(label=CONSENT_LABEL, error_messages={"required": _("The owner's consent is needed.")})
    # Existing owners: which business
    business = forms.ModelChoiceField(label=_("Business"), queryset=Business.objects.none(), required=False,
                                      empty_label=None)
    turnover_band = forms.ChoiceField(label=_("Monthly turnover"), choices=[("", _("— choose —")), *Business.TurnoverBand.choices],
                                      required=False)
    # The product
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), required=False,
                                     empty_label=_("A new product"))
    product_name = forms.CharField(label=_("Product name"), max_length=150, required=False)
    photo = ValidatedImageField(label=_("Product photo (optional)"), required=False)
    # The request
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), empty_label=_("— choose —"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    notes = forms.CharField(label=_("Notes (optional)"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    # A double click or a resent form creates one request (the service's idempotency key).
    client_uuid = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    OWNER_FIELDS = ("name", "phone", "gender", "district", "sector", "scale", "business_name", "nik", "consent")

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["photo"].widget.attrs.update({"capture": "environment", "accept": "image/*"})
        self.fields["district"].queryset = District.objects.filter(is_active=True)
        self.fields["service"].queryset = Service.objects.filter(is_active=True)
        if owner is not None:
            for name in self.OWNER_FIELDS:
                del self.fields[name]
            self.fields["business"].queryset = owner.businesses.order_by("name")
            self.fields["business"].required = True
            self.fields["product"].queryset = Product.objects.filter(business__owner=owner).order_by("name")
            owner_part = Fieldset(_("Business"), "business")
        else:
            del self.fields["business"], self.fields["product"]
            owner_part = Fieldset(
                _("Owner"), Div(Div("name", css_class="col-md-6"), Div("phone", css_class="col-md-6"), css_class="row"),
                "gender", Div(Div("district", css_class="col-md-4"), Div("sector", css_class="col-md-4"),
                              Div("scale", css_class="col-md-4"), css_class="row"),
                Div(Div("business_name", css_class="col-md-6"), Div("nik", css_class="col-md-6"), css_class="row"),
                "consent",
            )
        product_fields = ["product_name", "photo"] if owner is None else ["product", "product_name", "photo"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            owner_part,
            "turnover_band",
            Fieldset(_("Product"), *product_fields),
            Fieldset(_("Request"), Div(Div("service", css_class="col-md-8"), Div("quantity", css_class="col-md-4"), css_class="row"), "notes"),
            "client_uuid",
        )
        self.helper.add_input(Submit("submit", _("Save and print the receipt"), css_class="btn-primary btn-lg"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("product") and not (cleaned.get("product_name") or "").strip():
            self.add_error("product_name", _("Fill in the product's name."))
        service, quantity = cleaned.get("service"), cleaned.get("quantity")
        if service and quantity and quantity < service.minimum_order:
            self.add_error("quantity", _("The minimum order for %(service)s is %(minimum)d.")
                           % {"service": service.name, "minimum": service.minimum_order})
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned data as ``intake.services.counter_intake_create`` takes it."""
        data = self.cleaned_data
        arguments = {
            "request_data": {"service": data["service"], "quantity": data["quantity"], "notes": data.get("notes", "")},
            "photos": [data["photo"]] if data.get("photo") else [],
        }
        if self.owner is None:
            arguments["owner_data"] = {
                "name": data["name"], "phone": data["phone"], "gender": data["gender"], "nik": data.get("nik", ""),
                "consent_given": data["consent"], "consent_version": CONSENT_VERSION,
            }
            arguments["business_data"] = {
                "district": data["district"], "sector": data["sector"], "scale": data["scale"],
                "name": data.get("business_name", ""), "turnover_band": data.get("turnover_band", ""),
            }
            arguments["product_data"] = {"name": data["product_name"]}
        else:
            arguments["owner"] = self.owner
            arguments["business"] = data["business"]
            arguments["business_data"] = {"turnover_band": data.get("turnover_band", "")}
            if data.get("product") and data["product"].business_id == data["business"].pk:
                arguments["product"] = data["product"]
            else:
                arguments["product_data"] = {"name": data.get("product_name") or (data["product"].name if data.get("product") else "")}
        return arguments


class VisitForm(forms.Form):
    """A guest-book entry: who came, why, how long. Quick at the counter: most fields are choices."""

    phone = PhoneField(label=_("WhatsApp number"), required=False,
                       help_text=_("A known owner's number fills in the rest."))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    district = forms.ModelChoiceField(label=_("Regency/city"), queryset=District.objects.none(), required=False,
                                      empty_label=_("— choose —"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Business.Gender.choices, widget=forms.RadioSelect, required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Visit.Purpose.choices, widget=forms.RadioSelect)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(Div("phone", css_class="col-md-6"), Div("name", css_class="col-md-6"), css_class="row"),
            Div(Div("district", css_class="col-md-6"), Div("gender", css_class="col-md-6"), css_class="row"),
            "purpose",
            Div(Div("duration_minutes", css_class="col-md-4"), Div("note", css_class="col-md-8"), css_class="row"),
        )
        self.helper.add_input(Submit("submit", _("Add to the guest book"), css_class="btn-primary"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Fill in the visitor's name or a known WhatsApp number."))
        return cleaned

from crispy_forms.layout import HTML, Layout
from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DATE_INPUT, submit_helper
from accounts.selectors import office_users
from bookings.models import HandoverMethod, Service
from bookings.proofs import APPROVAL_CHECKLIST
from bookings.requirements import describe
from bookings.services import estimate_cost
from core.forms import EMPTY_CHOICE, MultipleValidatedFileField, ValidatedFileField


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ServiceChoiceField(forms.ModelChoiceField):
    """Services as described choices: what is included, tariff, typical duration, documents needed."""

    widget = forms.RadioSelect(attrs={"class": "service-choice"})

    def label_from_instance(self, obj):
        return render_to_string("bookings/partials/service_choice.html", {"service": obj, "documents": describe(obj.required_groups)})


class BookingForm(forms.Form):
    product = ProductChoiceField(label=_("Business and product"), queryset=None, empty_label=EMPTY_CHOICE)
    service = ServiceChoiceField(label=_("Service"), queryset=None, empty_label=None)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, initial=1)
    desired_date = forms.DateField(label=_("Desired date (optional)"), required=False, widget=DATE_INPUT)
    notes = forms.CharField(
        label=_("Notes for the designer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Colours, text that must appear on the pack, how you sell the product…"),
    )
    follows = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    reference_files = MultipleValidatedFileField(
        label=_("Reference files (optional): logo, sketch, example"),
        required=False,
        max_files=settings.RK_MAX_REFERENCE_FILES,
        help_text=_("Images or PDF, at most %(count)d files.") % {"count": settings.RK_MAX_REFERENCE_FILES},
    )

    def __init__(self, *args, products, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        # Group the owner's products by business, with one query for the choice list.
        groups: dict[str, list] = {}
        for product in products:
            groups.setdefault(product.business.name, []).append((product.pk, product.name))
        self.fields["product"].choices = [("", EMPTY_CHOICE), *groups.items()]
        self.fields["service"].queryset = services
        self.helper = submit_helper(_("Submit request"))
        self.helper.layout = Layout(
            "product",
            "service",
            "quantity",
            "desired_date",
            "notes",
            "reference_files",
            "follows",
            # The estimate, prominent, right above the submit button (kept fresh by static/js/app.js).
            HTML('{% include "bookings/partials/estimate.html" %}'),
        )

    def clean_desired_date(self):
        value = self.cleaned_data.get("desired_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The desired date cannot be in the past."), code="past_date")
        return value

    def clean(self):
        cleaned = super().clean()
        service: Service | None = cleaned.get("service")
        quantity = cleaned.get("quantity")
        if service and quantity:
            try:
                cleaned["estimated_cost"] = estimate_cost(service=service, quantity=quantity)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["note"].label = label


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Request code"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "RK-2026-00042", "autocapitalize": "characters"}),
    )
    last4 = forms.RegexField(
        label=_("Last 4 digits of the WhatsApp number"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter exactly 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "7890"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Track"))


class VerifyForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason to verify although documents are missing"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PriorityForm(forms.Form):
    CHOICES = [(0, _("Normal")), (1, _("High")), (2, _("Urgent"))]
    priority = forms.TypedChoiceField(label=_("Priority"), choices=CHOICES, coerce=int)
    reason = forms.CharField(label=_("Reason for the priority"), max_length=500)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("— nobody —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = office_users()


class ProofForm(forms.Form):
    file = ValidatedFileField(label=_("Proof (image or PDF)"))
    note = forms.CharField(label=_("Note for the owner"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send proof to the owner"))


class ApprovalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in APPROVAL_CHECKLIST:
            self.fields[key] = forms.BooleanField(
                label=label, required=True, error_messages={"required": _("Please check and tick this item.")}
            )


class RevisionForm(forms.Form):
    comment = forms.CharField(label=_("What should change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ProductionForm(forms.Form):
    quantity_produced = forms.IntegerField(label=_("Quantity produced"), min_value=1, max_value=10_000_000)


class HandoverForm(forms.Form):
    method = forms.ChoiceField(label=_("Handed over to"), widget=forms.RadioSelect, choices=())
    collected_by = forms.CharField(
        label=_("Name of the proxy or courier"), required=False, max_length=150,
        help_text=_("Leave empty when the owner collects in person."),
    )
    courier_receipt = forms.CharField(label=_("Courier receipt number"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = HandoverMethod.choices
        self.helper = submit_helper(_("Record hand-over"))

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import submit_helper
from core.forms import ValidatedFileField
from payments.models import QRIS_CAP, Method

MAX_AMOUNT = 1_000_000_000  # one billion Rupiah: far above any request of the house


class QuotationForm(forms.Form):
    """Staff confirm the price: quantity × tariff, the subsidy, and extra materials."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    subsidy = forms.IntegerField(
        label=_("Subsidy (Rp)"), min_value=0, max_value=MAX_AMOUNT, required=False,
        help_text=_("Leave empty for the service's subsidy share (within the yearly quota)."),
    )
    extras_description = forms.CharField(label=_("Extra materials"), max_length=200, required=False)
    extras_amount = forms.IntegerField(label=_("Extra materials (Rp)"), min_value=0, max_value=MAX_AMOUNT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Confirm the price"))


class PaymentForm(forms.Form):
    """Money received at the counter: four fields, two of them optional."""

    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, initial=Method.CASH, widget=forms.RadioSelect)
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1, max_value=MAX_AMOUNT)
    payer_name = forms.CharField(label=_("Received from"), max_length=150, required=False,
                                 help_text=_("Leave empty when the owner pays."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record payment and print receipt"))

    def clean(self):
        data = super().clean()
        if data.get("method") == Method.QRIS and (data.get("amount") or 0) > QRIS_CAP:
            self.add_error("amount", _("QRIS accepts at most Rp 10.000.000 per transaction. Pay in parts, or by transfer or cash."))
        return data


class TransferProofForm(forms.Form):
    """The owner reports a transfer and uploads the proof (photo or PDF)."""

    amount = forms.IntegerField(label=_("Amount transferred (Rp)"), min_value=1, max_value=MAX_AMOUNT)
    paid_on = forms.DateField(label=_("Transfer date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    payer_name = forms.CharField(label=_("Account holder"), max_length=150)
    proof = ValidatedFileField(label=_("Proof of transfer (photo or PDF)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send the proof"))

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The transfer date cannot be in the future."))
        return day


class QrisForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1, max_value=QRIS_CAP,
                                error_messages={"max_value": _("QRIS accepts at most Rp 10.000.000 per transaction. Pay in parts, or by transfer.")})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RefundForm(forms.Form):
    method = forms.ChoiceField(label=_("Paid back by"), choices=[(Method.CASH, Method.CASH.label), (Method.TRANSFER, Method.TRANSFER.label)],
                               widget=forms.RadioSelect, initial=Method.CASH)
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1, max_value=MAX_AMOUNT)
    note = forms.CharField(label=_("Reason and account"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record refund"))


class CashBookForm(forms.Form):
    """Which period of the cash book to read."""

    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)

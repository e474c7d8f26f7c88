from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import submit_helper
from materials.models import StockMove


class ReceiveForm(forms.Form):
    """Material in: a purchase or a grant."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, StockMove.Kind(k).label) for k in ("purchase", "grant")],
                             widget=forms.RadioSelect, initial="purchase")
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000_000)
    unit_cost = forms.IntegerField(label=_("Cost per unit (Rp)"), min_value=0, max_value=100_000_000, required=False,
                                   help_text=_("Purchases: the price paid per unit. Leave empty to keep the current cost."))
    reason = forms.CharField(label=_("Supplier or donor, invoice number"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record material in"))


class AdjustForm(forms.Form):
    """A stock count."""

    counted = forms.IntegerField(label=_("Counted on the shelf"), min_value=0, max_value=10_000_000)
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("For example: stock count of 30 November, 3 torn."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record the count"))

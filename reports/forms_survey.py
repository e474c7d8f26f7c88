from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Business
from reports.survey import ELEMENTS, SCORES


class SurveyForm(forms.Form):
    comment = forms.CharField(label=_("Comments or suggestions (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    turnover_band = forms.ChoiceField(
        label=_("Your business's monthly turnover now (optional)"), required=False,
        choices=[("", _("— choose —")), *Business.TurnoverBand.choices], widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ELEMENTS:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=SCORES, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score for this element.")},
            )
        self.order_fields([key for key, _label in ELEMENTS] + ["comment", "turnover_band"])

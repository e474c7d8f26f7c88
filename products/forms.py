from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.forms import submit_helper
from core.forms import MultipleValidatedImageField, one_empty_choice
from core.validators import keep_single_line
from products.models import Product


def photos_field(required=False):
    return MultipleValidatedImageField(
        label=_("Photos (JPEG, PNG or WebP)"),
        required=required,
        max_files=settings.RK_MAX_PHOTOS_PER_PRODUCT,
        help_text=_("Up to %(count)d photos of the product and its current packaging.")
        % {"count": settings.RK_MAX_PHOTOS_PER_PRODUCT},
    )


def row(*fields, cols="col-12 col-sm-4"):
    return Div(*[Div(Field(f), css_class=cols) for f in fields], css_class="row")


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "name", "category", "description", "ingredients", "main_ingredient", "main_ingredient_percent",
            "contains_pork", "net_content", "net_content_unit", "shelf_life_days", "storage_instructions",
            "production_code_format", "packaging_material", "length_mm", "width_mm", "height_mm",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "ingredients": forms.Textarea(attrs={"rows": 3}),
            "net_content": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "main_ingredient_percent": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        }

    def __init__(self, *args, with_photos=False, **kwargs):
        super().__init__(*args, **kwargs)
        keep_single_line(self, "name")
        if with_photos:
            self.fields["photos"] = photos_field()
        one_empty_choice(self)
        self.helper = submit_helper(_("Save product"))
        self.helper.layout = Layout(
            Fieldset(_("Product"), "name", "category", "description"),
            Fieldset(
                _("Contents"),
                "ingredients",
                Div(Div(Field("main_ingredient"), css_class="col-7"), Div(Field("main_ingredient_percent"), css_class="col-5"), css_class="row"),
                "contains_pork",
                Div(Div(Field("net_content"), css_class="col-6"), Div(Field("net_content_unit"), css_class="col-6"), css_class="row"),
                Div(Div(Field("shelf_life_days"), css_class="col-6"), Div(Field("production_code_format"), css_class="col-6"), css_class="row"),
                "storage_instructions",
            ),
            Fieldset(
                _("Current packaging"),
                "packaging_material",
                row("length_mm", "width_mm", "height_mm", cols="col-4"),
            ),
            *(["photos"] if with_photos else []),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("net_content") and not cleaned.get("net_content_unit"):
            self.add_error("net_content_unit", _("Choose the unit of the net content."))
        if cleaned.get("main_ingredient_percent") is not None and not cleaned.get("main_ingredient"):
            self.add_error("main_ingredient", _("Name the main ingredient whose share you gave."))
        return cleaned


class PhotoUploadForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"] = photos_field(required=True)
        self.helper = submit_helper(_("Upload photos"))

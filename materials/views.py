"""The store's pages: staff and admins act, the head of office reads."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import acting_office_required as store_actor
from accounts.permissions import work_reader_required as store_reader
from materials import selectors, services
from materials.forms import AdjustForm, ReceiveForm



@store_reader
def store(request):
    materials = list(selectors.materials_with_stock())
    return render(request, "materials/store.html", {"materials": materials})


@store_reader
def material_detail(request, pk):
    material = selectors.material_for_page(pk)
    context = {"material": material, "moves": selectors.recent_moves(material)}
    return render(request, "materials/material_detail.html", context)


def _form_page(request, pk, form_class, action, title):
    material = selectors.material_for_page(pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(material, form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("materials:detail", pk=material.pk)
    return render(request, "materials/move_form.html", {"material": material, "form": form, "title": title})


@store_actor
def receive(request, pk):
    def action(material, data):
        services.stock_receive(material=material, actor=request.user, quantity=data["quantity"], kind=data["kind"],
                               unit_cost=data["unit_cost"], reason=data["reason"])

    return _form_page(request, pk, ReceiveForm, action, _("Material in"))


@store_actor
def adjust(request, pk):
    def action(material, data):
        services.stock_adjust(material=material, actor=request.user, counted=data["counted"], reason=data["reason"])

    return _form_page(request, pk, AdjustForm, action, _("Stock count"))

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Business
from core.files import protected_file_response
from accounts.permissions import owner_required
from products import selectors, services
from products.forms import PhotoUploadForm, ProductForm
from products.labels import label_readiness
from products.models import Product


@owner_required
def product_create(request, business_id):
    business = get_object_or_404(Business, public_id=business_id, owner=request.user)
    form = ProductForm(request.POST or None, request.FILES or None, with_photos=True)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                product = services.product_save(product=form.instance, business=business)
                services.photos_add(product=product, photos=form.cleaned_data.get("photos", []))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Product saved."))
            return redirect(product)
    return render(request, "products/product_form.html", {"form": form, "business": business})


@owner_required
def product_edit(request, public_id):
    product = get_object_or_404(Product.objects.select_related("business"), public_id=public_id, business__owner=request.user)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        services.product_save(product=form.instance)
        messages.success(request, _("Product saved."))
        return redirect(product)
    return render(request, "products/product_form.html", {"form": form, "business": product.business, "product": product})


@login_required
def product_detail(request, public_id):
    product = selectors.product_for_detail(request.user, public_id)
    is_own = product.business.owner_id == request.user.pk
    upload_form = PhotoUploadForm() if is_own else None
    context = {"product": product, "readiness": label_readiness(product), "upload_form": upload_form, "is_own": is_own}
    return render(request, "products/product_detail.html", context)


@owner_required
def photo_upload(request, public_id):
    product = get_object_or_404(Product, public_id=public_id, business__owner=request.user)
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.photos_add(product=product, photos=form.cleaned_data["photos"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Photos uploaded."))
            return redirect(product)
    return render(request, "products/photo_form.html", {"form": form, "product": product})


@owner_required
@require_POST
def photo_delete(request, public_id):
    photo = selectors.photo_for_user(request.user, public_id)
    product = photo.product
    services.photo_delete(photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect(product)


@login_required
def photo_file(request, public_id, size="full"):
    photo = selectors.photo_for_user(request.user, public_id)
    field = photo.thumbnail if size == "thumb" and photo.thumbnail else photo.image
    return protected_file_response(field)

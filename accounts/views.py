import json
import uuid

from django.conf import settings

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts import selectors, services
from accounts.permissions import owner_required
from accounts.forms import (
    BusinessForm, DocumentForm, LoginForm, PasswordResetForm, ProfileForm, RegistrationForm, SetPasswordForm,
)
from accounts.models import Business
from core.files import protected_file_response


@method_decorator(ratelimit(key="ip", rate=settings.RK_PASSWORD_RESET_RATE, method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    """Reset by email, for people who gave one (others ask the office). Same answer whether or not
    the address is known; rate-limited per address of the requester."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@ratelimit(key="ip", rate="20/h", method="POST", block=True)
def register(request):
    if request.user.is_authenticated:
        return redirect("pages:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_register(
            username=data["username"], name=data["name"], phone=data["phone"], email=data["email"], password=data["password1"],
            language=request.LANGUAGE_CODE,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Now tell us about your business."))
        return redirect("accounts:business_create")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def business_list(request):
    businesses = selectors.businesses_for_list(request.user)
    return render(request, "accounts/business_list.html", {"businesses": businesses})


def _owned_business(request, public_id) -> Business:
    return get_object_or_404(Business, public_id=public_id, owner=request.user)


@owner_required
def business_create(request):
    form = BusinessForm(request.POST or None, initial={"owner_name": request.user.name, "phone": request.user.phone})
    if request.method == "POST" and form.is_valid():
        business = services.business_save(business=form.instance, owner=request.user)
        messages.success(request, _("Business saved. Add your first product."))
        return redirect("products:create", business_id=business.public_id)
    return render(request, "accounts/business_form.html", {"form": form})


@owner_required
def business_edit(request, public_id):
    business = _owned_business(request, public_id)
    form = BusinessForm(request.POST or None, instance=business)
    if request.method == "POST" and form.is_valid():
        services.business_save(business=form.instance)
        messages.success(request, _("Business saved."))
        return redirect(business)
    return render(request, "accounts/business_form.html", {"form": form, "business": business})


@login_required
def business_detail(request, public_id):
    business = selectors.business_for_detail(request.user, public_id)
    is_own = business.owner_id == request.user.pk
    return render(request, "accounts/business_detail.html", {"business": business, "is_own": is_own})


def _product_from_query(business, raw):
    try:
        return business.products.filter(public_id=uuid.UUID(raw)).first()
    except (ValueError, TypeError, AttributeError):
        return None


@owner_required
def document_add(request, public_id):
    business = _owned_business(request, public_id)
    initial = {"kind": request.GET.get("kind", ""), "product": _product_from_query(business, request.GET.get("product"))}
    form = DocumentForm(request.POST or None, request.FILES or None, business=business, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.document_add(
            business=business,
            product=data["product"],
            kind=data["kind"],
            number=data["number"],
            is_pending=data["is_pending"],
            issued_on=data["issued_on"],
            expires_on=data["expires_on"],
            scan=data["scan"] or None,
        )
        messages.success(request, _("Document saved."))
        return redirect(data["product"] or business)
    return render(request, "accounts/document_form.html", {"form": form, "business": business})


@owner_required
@require_POST
def document_delete(request, public_id):
    document = selectors.document_for_user(request.user, public_id)
    target = document.product or document.business
    services.document_delete(document=document)
    messages.success(request, _("Document removed."))
    return redirect(target)


@login_required
def document_scan(request, public_id):
    document = selectors.document_for_user(request.user, public_id)
    return protected_file_response(document.scan, download_name=f"{document.kind}-{document.number or 'scan'}")


@login_required
def profile(request):
    user = request.user
    initial = {
        "name": user.name, "phone": user.phone, "email": user.email, "language": user.language,
        "notify_email": user.notify_email, "notify_whatsapp": user.notify_whatsapp,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Profile saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False))
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def my_data(request):
    """Download everything the system holds about me (JSON)."""
    data = services.user_data_export(user=request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rumah-kemasan-{request.user.username}.json"'
    return response


@login_required
@require_POST
def request_deletion(request):
    reason = (request.POST.get("reason") or "").strip()[:1000]
    services.user_request_deletion(user=request.user, reason=reason)
    messages.success(request, _("Your request was sent to the office. An administrator will contact you."))
    return redirect("accounts:profile")

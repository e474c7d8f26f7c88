import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from accounts import selectors, services
from accounts.claims import ClaimError, account_claim, claim_link_from_token
from accounts.codes import code_request as send_code
from accounts.codes import code_verify as check
from accounts.forms import (
    BusinessForm, ClaimForm, CodeRequestForm, CodeVerifyForm, DocumentForm, LoginForm, OwnerMergeForm, PasswordResetForm,
    ProfileForm, RegistrationForm, SetPasswordForm,
)
from accounts.models import AccountEvent, Business, PhoneCode
from accounts.permissions import admin_required, owner_required
from core.files import protected_file_response
from core.phone import local_phone, normalize_phone


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
    """Sign-in. django-axes locks a username tried from one address after 5 failures; on top of that,
    failed sign-ins per address are throttled whatever the username (``RK_LOGIN_FAILURES_PER_IP``), so
    one address cannot try one password against many accounts."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = {"group": "login-failures-per-ip", "key": "ip", "rate": settings.RK_LOGIN_FAILURES_PER_IP, "method": "POST"}
        if is_ratelimited(request, increment=False, **throttle):
            raise Ratelimited
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: a failed sign-in
            is_ratelimited(request, increment=True, **throttle)
        return response


@ratelimit(key="ip", rate="20/h", method="POST", block=True)
def register(request):
    if request.user.is_authenticated:
        return redirect("pages:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if services.owner_for_phone(data["phone"]) is not None:
            return _lead_to_claim(request, data["phone"])
        user = services.user_register(
            username=data["username"], name=data["name"], phone=data["phone"], email=data["email"], password=data["password1"],
            language=request.LANGUAGE_CODE,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Now tell us about your business."))
        return redirect("accounts:business_create")
    return render(request, "accounts/register.html", {"form": form})


def _lead_to_claim(request, phone):
    """The number already belongs to an account (often one the counter entered): instead of a duplicate,
    a code goes to that number and the person takes over the existing account with it."""
    send_code(phone=phone, purpose=PhoneCode.Purpose.CLAIM)
    request.session[_CODE_SESSION] = phone
    request.session[_CODE_PURPOSE] = PhoneCode.Purpose.CLAIM
    messages.info(request, _("This WhatsApp number already has an account, perhaps made for you at the PLUT counter. "
                             "We sent a code to the number: enter it to take over that account."))
    return redirect("accounts:code_verify")


@login_required
def business_list(request):
    businesses = selectors.businesses_for_list(request.user)
    return render(request, "accounts/business_list.html", {"businesses": businesses})


def _owned_business(request, public_id) -> Business:
    return get_object_or_404(Business, public_id=public_id, owner=request.user)


@owner_required
def business_create(request):
    # What the owner already told us at registration is carried over (name, WhatsApp number, email).
    user = request.user
    form = BusinessForm(request.POST or None, initial={"owner_name": user.name, "phone": user.phone, "email": user.email})
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
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "accounts/profile.html", {"form": form})
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
    if services.user_request_deletion(user=request.user, reason=reason):
        messages.success(request, _("Your request was sent to the office. An administrator will contact you."))
    else:
        messages.info(request, _("Your request already reached the office today. An administrator will contact you."))
    return redirect("accounts:profile")


# --- Sign-in and password reset by WhatsApp code; account claim; merge (issue 9) -----------------------

_CODE_SESSION = "rk_code_phone"
_CODE_PURPOSE = "rk_code_purpose"


def _typed_phone(group, request) -> str:
    """Rate-limit key: the number as typed, normalised (so 0812… and +62812… count together)."""
    raw = request.POST.get("phone", "")
    try:
        return normalize_phone(raw)
    except ValidationError:
        return raw.strip()[:30]


@ratelimit(key="ip", rate=settings.RK_CODE_RATE_PER_IP, method="POST", block=True)
@ratelimit(key=_typed_phone, rate=settings.RK_CODE_RATE_PER_NUMBER, method="POST", block=True)
def code_request(request, purpose="sign_in"):
    """Enter a WhatsApp number, get a code. The answer is the same for a known and an unknown number."""
    if purpose not in PhoneCode.Purpose.values:
        purpose = PhoneCode.Purpose.SIGN_IN
    form = CodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        send_code(phone=form.cleaned_data["phone"], purpose=purpose)
        request.session[_CODE_SESSION] = form.cleaned_data["phone"]
        request.session[_CODE_PURPOSE] = purpose
        return redirect("accounts:code_verify")
    return render(request, "accounts/code_request.html", {"form": form, "purpose": purpose})


@ratelimit(key="ip", rate=settings.RK_CODE_VERIFY_RATE_PER_IP, method="POST", block=True)
def code_verify(request):
    phone = request.session.get(_CODE_SESSION)
    if not phone:
        return redirect("accounts:code_request")
    form = CodeVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, purpose = check(phone=phone, code=form.cleaned_data["code"])
        if user is None:
            form.add_error("code", _("The code is wrong, has expired or too many tries were made. Ask for a new code."))
        else:
            request.session.pop(_CODE_SESSION, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(_CODE_PURPOSE, "")
            if purpose in (PhoneCode.Purpose.RESET, PhoneCode.Purpose.CLAIM) or not user.has_usable_password():
                messages.success(request, _("You are signed in. Choose a password if you like; WhatsApp codes keep working."))
                return redirect("accounts:password_set")
            messages.success(request, _("You are signed in."))
            return redirect("pages:home")
    return render(request, "accounts/code_verify.html", {"form": form, "phone": local_phone(phone)})


@login_required
def password_set(request):
    """Choose a new password after signing in with a code (reset by WhatsApp)."""
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        AccountEvent.objects.create(user=user, actor=user, action=AccountEvent.Action.PASSWORD_SET, data={"how": "code"})
        update_session_auth_hash(request, user)
        messages.success(request, _("Your new password is saved."))
        return redirect("pages:home")
    return render(request, "accounts/password_set.html", {"form": form})


@ratelimit(key="ip", rate=settings.RK_CLAIM_RATE, method=ratelimit.ALL, block=True)
def claim(request, token):
    """Open the one-time claim link: set a password (optional) and sign in."""
    link = claim_link_from_token(token)
    if link is None:
        return render(request, "accounts/claim_invalid.html", status=410)
    form = ClaimForm(request.POST or None, user=link.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_claim(link=link, password=form.cleaned_data.get("password1") or None)
        except ClaimError as error:
            return render(request, "accounts/claim_invalid.html", {"message": error.message}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is yours now. Welcome!"))
        return redirect("pages:home")
    return render(request, "accounts/claim.html", {"form": form, "person": link.user})


@admin_required
def owner_merge(request):
    """Admins: merge a duplicate owner into the account to keep (everything moves; audited)."""
    form = OwnerMergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        moved = services.owner_merge(source=form.cleaned_data["source"], target=form.cleaned_data["target"], actor=request.user)
        messages.success(request, _("Accounts merged: %(count)d records moved.") % {"count": sum(moved.values())})
        return redirect("accounts:owner_merge")
    return render(request, "accounts/owner_merge.html", {"form": form})

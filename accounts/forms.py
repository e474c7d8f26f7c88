from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.legality import PENDING_ALLOWED, DocumentKind, normalize_number
from accounts.models import Business, District, User
from accounts.roles import Role
from accounts.validators import validate_nib
from core.forms import EMPTY_CHOICE, ValidatedFileField, one_empty_choice
from core.validators import keep_single_line, single_line
from core.phone import local_phone, normalize_phone
from notifications.models import Channel, Notification
from notifications.services import notify

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def submit_helper(label, *, form_tag=True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", label, css_class="btn-primary btn-lg w-100 w-sm-auto"))
    return helper


class PhoneField(forms.CharField):
    """Typed as 08…, cleaned to E.164 (+62…)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "08…"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return local_phone(value) if isinstance(value, str) else value

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Sign in"))


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}),
                           validators=[single_line])
    username = forms.RegexField(
        label=_("Username"),
        max_length=40,
        regex=r"^[a-zA-Z0-9._-]{3,40}$",
        error_messages={"invalid": _("Use 3 to 40 letters, digits, dots, dashes or underscores, no spaces.")},
        help_text=_("You sign in with this name."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    phone = PhoneField(label=_("WhatsApp number"))
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that UPTD PLUT processes my personal data and my business's data to provide packaging "
            "services and to report to the government, as explained in the privacy notice (UU 27/2022)."
        ),
        error_messages={"required": _("Your consent is needed to use the service.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Create account"))

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."), code="username_taken")
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            probe = User(username=cleaned.get("username", ""), name=cleaned.get("name", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class BusinessForm(forms.ModelForm):
    phone = PhoneField(label=_("WhatsApp number"))
    nib = forms.CharField(
        label=_("NIB"),
        required=False,
        max_length=20,
        help_text=_("13 digits from OSS. No NIB yet? Leave it empty: PLUT staff can help you get one."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Business
        fields = [
            "name", "owner_name", "owner_gender", "legal_form", "nib", "sector", "scale",
            "address", "district", "phone", "email",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(is_active=True)
        self.fields["district"].empty_label = EMPTY_CHOICE
        self.fields["sector"].choices = [("", EMPTY_CHOICE), *Business.Sector.choices]
        self.fields["owner_gender"].choices = [("", _("— not stated —")), *Business.Gender.choices]
        self.fields["owner_gender"].help_text = _("Optional; the office reports how many women and men it serves.")
        one_empty_choice(self)
        keep_single_line(self, "name", "owner_name")
        self.helper = submit_helper(_("Save"))
        self.helper.layout = Layout(
            Fieldset(_("Business"), "name", "legal_form", "nib", "sector", "scale"),
            Fieldset(_("Owner"), "owner_name", "owner_gender"),
            Fieldset(_("Contact"), "address", "district", "phone", "email"),
        )

    def clean_nib(self):
        nib = "".join((self.cleaned_data.get("nib") or "").split())
        if nib:
            validate_nib(nib)
            clash = Business.objects.filter(nib=nib).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("Another business is already registered with this NIB."), code="nib_taken")
        return nib


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    product = forms.ModelChoiceField(
        label=_("For product"),
        queryset=None,
        required=False,
        empty_label=_("— the whole business —"),
    )
    is_pending = forms.BooleanField(
        label=_("Application still in progress (halal self-declare or trademark application)"), required=False
    )
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_INPUT)
    expires_on = forms.DateField(label=_("Valid until"), required=False, widget=DATE_INPUT)
    scan = ValidatedFileField(label=_("Scan or photo (PDF, JPEG, PNG or WebP)"), required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["product"].queryset = business.products.order_by("name")
        self.helper = submit_helper(_("Save document"))
        self.helper.layout = Layout(
            "kind", "product", "is_pending", "number",
            Div(Div(Field("issued_on"), css_class="col-6"), Div(Field("expires_on"), css_class="col-6"), css_class="row"),
            "scan",
            HTML('<p class="small text-body-secondary">{% load i18n %}{% trans "We warn you 60 days before a document expires." %}</p>'),
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        pending = cleaned.get("is_pending", False)
        if kind and pending and kind not in PENDING_ALLOWED:
            self.add_error("is_pending", _("Only a halal self-declare or a trademark application can be in progress."))
            pending = False
        if kind:
            raw = cleaned.get("number", "")
            if not raw and not pending:
                self.add_error("number", _("Fill in the number as written on the document."))
            else:
                try:
                    normalize_number(kind, raw, pending=pending)  # checked; kept as typed
                except forms.ValidationError as error:
                    self.add_error("number", error)
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", _("The end of validity must be after the date of issue."))
        product = cleaned.get("product")
        if kind == DocumentKind.NIB and product:
            self.add_error("product", _("An NIB belongs to the whole business, not to one product."))
        return cleaned


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, validators=[single_line])
    phone = PhoneField(label=_("WhatsApp number"))
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=())
    notify_email = forms.BooleanField(label=_("Send me email about my requests"), required=False)
    notify_whatsapp = forms.BooleanField(
        label=_("Send me WhatsApp messages about my requests. I agree that the office sends messages to my WhatsApp number through its messaging provider."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
        self.helper = submit_helper(_("Save"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify_email") and not cleaned.get("email"):
            self.add_error("email", _("Fill in an email address to receive email."))
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The reset link goes through the outbox (urgent queue), not SMTP from the request: a known
    address answers as fast as an unknown one, and a slow mail server holds no web worker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send the reset link"))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        link = {key: context[key] for key in ("uid", "token", "protocol", "domain")}
        notify(recipient=context["user"], kind=Notification.Kind.PASSWORD_RESET, context=link, channels_=[Channel.EMAIL], urgent=True)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save the new password"))


class CodeRequestForm(forms.Form):
    """Ask for a one-time code by WhatsApp (sign in, or reset the password)."""

    phone = PhoneField(label=_("WhatsApp number"), help_text=_("The number the office or you registered."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send me a code by WhatsApp"))


class CodeVerifyForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from WhatsApp"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Sign in"))


class ClaimForm(forms.Form):
    """Take over an account entered by staff: a password is optional (WhatsApp codes work without one)."""

    password1 = forms.CharField(
        label=_("Password (optional)"), strip=False, required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep signing in with a code sent to your WhatsApp."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = submit_helper(_("Take over my account"))

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 or p2:
            if p1 != p2:
                self.add_error("password2", _("The two passwords do not match."))
            else:
                try:
                    password_validation.validate_password(p1, self.user)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class OwnerMergeForm(forms.Form):
    """Admins merge a duplicate owner account into the one to keep (by username or WhatsApp number)."""

    source = forms.CharField(label=_("Account to merge (username or WhatsApp number)"), max_length=150)
    target = forms.CharField(label=_("Account to keep (username or WhatsApp number)"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Merge the accounts"))

    @staticmethod
    def _owner(raw: str):
        raw = (raw or "").strip()
        owners = User.objects.filter(groups__name=Role.OWNER, is_active=True)
        found = owners.filter(username__iexact=raw).first()
        if found is None:
            try:
                found = owners.filter(owner_phone__phone=normalize_phone(raw)).first()
            except forms.ValidationError:
                found = None
        return found

    def clean_source(self):
        owner = self._owner(self.cleaned_data["source"])
        if owner is None:
            raise forms.ValidationError(_("No active owner account with this username or number."))
        return owner

    def clean_target(self):
        owner = self._owner(self.cleaned_data["target"])
        if owner is None:
            raise forms.ValidationError(_("No active owner account with this username or number."))
        return owner

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("target") and cleaned["source"].pk == cleaned["target"].pk:
            self.add_error("target", _("Choose two different accounts."))
        return cleaned

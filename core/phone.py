"""Indonesian mobile numbers: owners type ``0812-3456-7890``; we store E.164 ``+6281234567890``."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-.()]")
# After the country code, Indonesian mobile numbers start with 8 and have 9 to 12 digits in all.
_MOBILE = re.compile(r"^8\d{8,11}$")


def normalize_phone(raw: str) -> str:
    """Return the number in E.164 form or raise ValidationError with a message for the owner."""
    value = _SEPARATORS.sub("", raw or "")
    if value.startswith("+62"):
        national = value[3:]
    elif value.startswith("62"):
        national = value[2:]
    elif value.startswith("0"):
        national = value[1:]
    else:
        national = value
    if not national.isdigit() or not _MOBILE.match(national):
        raise ValidationError(
            _("Enter an Indonesian mobile number such as 0812 3456 7890."),
            code="invalid_phone",
        )
    return f"+62{national}"


def local_phone(e164: str) -> str:
    """``+6281234567890`` -> ``081234567890`` for display and editing."""
    if e164 and e164.startswith("+62"):
        return "0" + e164[3:]
    return e164 or ""

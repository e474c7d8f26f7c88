"""Formats of Indonesian business and legality numbers, in one place."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIB_RE = re.compile(r"^\d{13}$")


def digits_only(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def validate_nib(value: str) -> None:
    if not NIB_RE.match(value or ""):
        raise ValidationError(_("NIB must be exactly 13 digits."), code="invalid_nib")

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


NIK_RE = re.compile(r"^\d{16}$")


def validate_nik(value: str) -> None:
    """A NIK: 16 digits — province and regency code, date of birth (day + 40 for women), serial."""
    if not NIK_RE.match(value or ""):
        raise ValidationError(_("NIK must be exactly 16 digits."), code="invalid_nik")
    day, month = int(value[6:8]), int(value[8:10])
    if not (11 <= int(value[0:2]) <= 94) or not (1 <= month <= 12) or not (1 <= day % 40 <= 31) or day > 71 \
            or value[12:] == "0000":
        raise ValidationError(_("This is not a valid NIK; check the number on the identity card."), code="invalid_nik")


def mask_nik(value: str) -> str:
    """``8171014506900001`` -> ``8171********0001``: enough to recognise, not enough to misuse."""
    if not value:
        return ""
    return value[:4] + "*" * 8 + value[-4:]

"""Legality documents: kinds, number formats and expiry rules, in one place.

Formats (what an owner copies from the certificate; separators and prefixes are tolerated):
- NIB (Nomor Induk Berusaha, OSS): 13 digits.
- SPP-IRT / P-IRT: at least 15 digits; the first digit names the packaging material
  (1 glass, 2 plastic, 3 carton/paper, 4 can, 5 aluminium foil, 6 other, 7 composite, 8 double).
- Halal certificate: BPJPH ``ID`` followed by 14–20 digits, or an older MUI number of 14–20 digits.
  A self-declare application still in progress needs no certificate number yet.
- BPOM MD/ML: ``MD`` or ``ML`` and 12 digits.
- Merek (trademark): registration ``IDM`` + 9 digits, or application ``DID``/``JID`` + 10 digits
  (an application in progress).
"""
from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.validators import NIB_RE, digits_only


class DocumentKind(models.TextChoices):
    NIB = "nib", _("NIB (business identification number)")
    PIRT = "pirt", _("SPP-IRT / P-IRT (home industry food permit)")
    HALAL = "halal", _("Halal certificate")
    MD = "md", _("BPOM MD/ML registration")
    MEREK = "merek", _("Trademark (merek)")


class PackagingMaterial(models.TextChoices):
    """Packaging materials, valued by the digit that opens a P-IRT number."""

    GLASS = "1", _("Glass")
    PLASTIC = "2", _("Plastic")
    PAPER = "3", _("Carton / paper")
    CAN = "4", _("Can")
    ALUMINIUM_FOIL = "5", _("Aluminium foil")
    OTHER = "6", _("Other")
    COMPOSITE = "7", _("Composite")
    DOUBLE = "8", _("Double packaging")


# Kinds that may be recorded while the application is still in progress (no number yet).
PENDING_ALLOWED = frozenset({DocumentKind.HALAL, DocumentKind.MEREK})
# Kinds that concern a product rather than the whole business.
PRODUCT_KINDS = frozenset({DocumentKind.PIRT, DocumentKind.HALAL, DocumentKind.MD})
# Permits that allow a processed food to be sold (one of them is needed on a food label).
FOOD_PERMIT_KINDS = frozenset({DocumentKind.PIRT, DocumentKind.MD})

_HALAL_RE = re.compile(r"^(ID\d{14,20}|\d{14,20})$")
_MD_RE = re.compile(r"^(MD|ML)(\d{12})$")
_PIRT_PREFIX = re.compile(r"^(SPPIRT|PIRT)?(NO)?")
_MEREK_RE = re.compile(r"^(IDM\d{9}|[DJ]ID\d{10})$")


def as_typed(raw: str) -> str:
    """A number as the owner typed it (dashes, dots and prefixes kept; only outer and repeated spaces
    dropped): what pages and labels show. Compare numbers through :func:`normalize_number`."""
    return " ".join((raw or "").split())[:60]


def normalize_number(kind: str, raw: str, *, pending: bool = False) -> str:
    """Return the canonical form of a document number, or raise ValidationError naming the rule."""
    compact = re.sub(r"[\s.\-/]", "", (raw or "").upper())
    if pending and not compact:
        return ""
    if kind == DocumentKind.NIB:
        if not NIB_RE.match(compact):
            raise ValidationError(_("NIB must be exactly 13 digits."), code="invalid_nib")
        return compact
    if kind == DocumentKind.PIRT:
        digits = _PIRT_PREFIX.sub("", compact)
        if not digits.isdigit() or len(digits) < 15:
            raise ValidationError(
                _("A P-IRT number has at least 15 digits, e.g. 2063271010123-24."), code="invalid_pirt"
            )
        if digits[0] not in PackagingMaterial.values:
            raise ValidationError(
                _("The first digit of a P-IRT number names the packaging material and must be 1 to 8."),
                code="invalid_pirt_material",
            )
        return digits
    if kind == DocumentKind.HALAL:
        if pending:
            return compact[:40]
        if not _HALAL_RE.match(compact):
            raise ValidationError(
                _("A halal certificate number looks like ID31110000123450123 (ID and 14 to 20 digits)."),
                code="invalid_halal",
            )
        return compact
    if kind == DocumentKind.MD:
        match = _MD_RE.match(compact)
        if not match:
            raise ValidationError(
                _("A BPOM registration number is MD or ML followed by 12 digits, e.g. MD 123456789012."),
                code="invalid_md",
            )
        return f"{match.group(1)} {match.group(2)}"
    if kind == DocumentKind.MEREK:
        if not _MEREK_RE.match(compact):
            raise ValidationError(
                _("A trademark number looks like IDM000123456 (registered) or DID2024012345 (application)."),
                code="invalid_merek",
            )
        return compact
    raise ValidationError(_("Unknown document kind."), code="invalid_kind")


def pirt_material(number: str) -> str | None:
    """The packaging material a P-IRT number names (its first digit), or None."""
    digits = digits_only(number)
    return digits[0] if digits and digits[0] in PackagingMaterial.values else None


class Validity(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expires soon")
    EXPIRED = "expired", _("Expired")
    PENDING = "pending", _("In progress")


def validity(*, pending: bool, expires_on: datetime.date | None, today: datetime.date) -> Validity:
    if pending:
        return Validity.PENDING
    if expires_on is None:
        return Validity.VALID
    if expires_on < today:
        return Validity.EXPIRED
    if (expires_on - today).days <= settings.RK_DOCUMENT_EXPIRY_WARNING_DAYS:
        return Validity.EXPIRING
    return Validity.VALID

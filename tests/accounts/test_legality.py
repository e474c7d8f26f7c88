import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.legality import Validity, normalize_number, pirt_material, validity


@pytest.mark.parametrize(
    "kind, typed, stored",
    [
        ("nib", "9120 0012 34567", "9120001234567"),
        ("pirt", "P-IRT No. 2063271010123-24", "20632710101232" + "4"),
        ("pirt", "206327101012324", "206327101012324"),
        ("halal", "ID31110000123450123", "ID31110000123450123"),
        ("md", "md 123456789012", "MD 123456789012"),
        ("md", "ML 1234 5678 9012", "ML 123456789012"),
        ("merek", "IDM000123456", "IDM000123456"),
        ("merek", "DID2024012345", "DID2024012345"),
    ],
)
def test_valid_numbers_are_normalised(kind, typed, stored):
    assert normalize_number(kind, typed) == stored


@pytest.mark.parametrize(
    "kind, typed, code",
    [
        ("nib", "123456789012", "invalid_nib"),
        ("nib", "12345678901234", "invalid_nib"),
        ("nib", "91200012345AB", "invalid_nib"),
        ("pirt", "20632710101", "invalid_pirt"),
        ("pirt", "P-IRT 2063A71010123-24", "invalid_pirt"),
        ("pirt", "906327101012324", "invalid_pirt_material"),
        ("pirt", "006327101012324", "invalid_pirt_material"),
        ("halal", "LPPOM-123", "invalid_halal"),
        ("md", "MD 12345", "invalid_md"),
        ("md", "XX 123456789012", "invalid_md"),
        ("merek", "12345", "invalid_merek"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(kind, typed, code):
    with pytest.raises(ValidationError) as error:
        normalize_number(kind, typed)
    assert error.value.code == code


def test_pending_halal_needs_no_number():
    assert normalize_number("halal", "", pending=True) == ""


def test_pirt_first_digit_names_the_material():
    assert pirt_material("306327101012324") == "3"
    assert pirt_material("") is None


def test_validity_warns_before_expiry(settings):
    settings.RK_DOCUMENT_EXPIRY_WARNING_DAYS = 60
    today = datetime.date(2026, 11, 29)
    assert validity(pending=False, expires_on=None, today=today) == Validity.VALID
    assert validity(pending=False, expires_on=today + datetime.timedelta(days=61), today=today) == Validity.VALID
    assert validity(pending=False, expires_on=today + datetime.timedelta(days=60), today=today) == Validity.EXPIRING
    assert validity(pending=False, expires_on=today - datetime.timedelta(days=1), today=today) == Validity.EXPIRED
    assert validity(pending=True, expires_on=None, today=today) == Validity.PENDING

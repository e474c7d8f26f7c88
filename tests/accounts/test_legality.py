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


@pytest.mark.parametrize("first", list("12345678"))
def test_every_packaging_digit_opens_a_pirt_number(first):
    number = first + "06327101012324"
    assert normalize_number("pirt", number) == number
    assert pirt_material(number) == first


@pytest.mark.parametrize(
    "typed, code",
    [
        ("20632710101232", "invalid_pirt"),  # 14 digits
        ("", "invalid_pirt"),
        ("P-IRT", "invalid_pirt"),
        ("006327101012324", "invalid_pirt_material"),
        ("906327101012324", "invalid_pirt_material"),
    ],
)
def test_pirt_lengths_and_first_digit(typed, code):
    with pytest.raises(ValidationError) as error:
        normalize_number("pirt", typed)
    assert error.value.code == code


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("206327101012324", "206327101012324"),  # 15 digits, the shortest
        ("20632710101232456", "20632710101232456"),  # longer numbers are kept
        ("SPP-IRT No. 206 3271 0101 23-24", "206327101012324"),
        ("sppirt 206327101012324", "206327101012324"),
        ("PIRT NO 206327101012324", "206327101012324"),
        ("No. 206327101012324", "206327101012324"),
    ],
)
def test_pirt_prefixes_and_separators_are_dropped(typed, stored):
    assert normalize_number("pirt", typed) == stored


@pytest.mark.parametrize(
    "kind, typed, ok",
    [
        ("nib", "9120001234567", True),
        ("halal", "12345678901234", True),  # MUI, 14 digits
        ("halal", "12345678901234567890", True),  # 20 digits
        ("halal", "1234567890123", False),  # 13
        ("halal", "123456789012345678901", False),  # 21
        ("halal", "ID12345678901234", True),
        ("halal", "ID1234567890123", False),
        ("md", "MD123456789012", True),
        ("md", "MD12345678901", False),
        ("md", "MD1234567890123", False),
        ("md", "MX123456789012", False),
        ("merek", "IDM000123456", True),
        ("merek", "IDM00012345", False),
        ("merek", "IDM0001234567", False),
        ("merek", "JID2024012345", True),
        ("merek", "DID202401234", False),
        ("merek", "XID2024012345", False),
        ("merek", "AIDM000123456", False),
    ],
)
def test_lengths_of_each_kind(kind, typed, ok):
    if ok:
        assert normalize_number(kind, typed)
    else:
        with pytest.raises(ValidationError):
            normalize_number(kind, typed)


def test_pending_documents():
    assert normalize_number("halal", " LPH - proses ", pending=True) == "LPHPROSES"
    assert normalize_number("halal", "x" * 60, pending=True) == "X" * 40
    assert normalize_number("merek", "", pending=True) == ""
    assert normalize_number("merek", "DID2024012345", pending=True) == "DID2024012345"
    with pytest.raises(ValidationError):
        normalize_number("merek", "proses", pending=True)
    with pytest.raises(ValidationError):
        normalize_number("halal", "", pending=False)


def test_unknown_kind_is_refused():
    with pytest.raises(ValidationError) as error:
        normalize_number("sni", "123")
    assert error.value.code == "invalid_kind"


def test_messages_name_the_rule():
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            normalize_number("pirt", "123")
        assert error.value.messages == ["A P-IRT number has at least 15 digits, e.g. 2063271010123-24."]
        with pytest.raises(ValidationError) as error:
            normalize_number("pirt", "906327101012324")
        assert error.value.messages == [
            "The first digit of a P-IRT number names the packaging material and must be 1 to 8."
        ]


def test_pirt_material_reads_digits_only():
    assert pirt_material("P-IRT 806327101012324") == "8"
    assert pirt_material("906327101012324") is None
    assert pirt_material("IRT") is None


def test_expiry_on_the_day_is_not_yet_expired(settings):
    settings.RK_DOCUMENT_EXPIRY_WARNING_DAYS = 30
    today = datetime.date(2026, 11, 30)
    assert validity(pending=False, expires_on=today, today=today) == Validity.EXPIRING
    assert validity(pending=False, expires_on=today - datetime.timedelta(days=1), today=today) == Validity.EXPIRED
    assert validity(pending=False, expires_on=today + datetime.timedelta(days=30), today=today) == Validity.EXPIRING
    assert validity(pending=False, expires_on=today + datetime.timedelta(days=31), today=today) == Validity.VALID
    assert validity(pending=True, expires_on=today - datetime.timedelta(days=400), today=today) == Validity.PENDING


def test_kind_sets_and_stored_values():
    from accounts.legality import FOOD_PERMIT_KINDS, PENDING_ALLOWED, PRODUCT_KINDS, DocumentKind, PackagingMaterial

    assert DocumentKind.values == ["nib", "pirt", "halal", "md", "merek"]
    assert PackagingMaterial.values == list("12345678")
    assert Validity.values == ["valid", "expiring", "expired", "pending"]
    assert PENDING_ALLOWED == {"halal", "merek"}
    assert PRODUCT_KINDS == {"pirt", "halal", "md"}
    assert FOOD_PERMIT_KINDS == {"pirt", "md"}

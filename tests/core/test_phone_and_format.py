import pytest
from django.core.exceptions import ValidationError

from core.formatting import format_rupiah
from core.phone import local_phone, normalize_phone


@pytest.mark.parametrize(
    "typed",
    ["081234567890", "0812-3456-7890", "0812 3456 7890", "+6281234567890", "6281234567890", "(0812) 3456.7890"],
)
def test_phone_is_stored_as_e164(typed):
    assert normalize_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["", "0911123456", "08123", "0812345678901234", "08abc4567890", "+1 202 555 0100"])
def test_bad_phone_is_refused(typed):
    with pytest.raises(ValidationError):
        normalize_phone(typed)


def test_local_phone_for_display():
    assert local_phone("+6281234567890") == "081234567890"


@pytest.mark.parametrize(
    "amount, text", [(0, "Rp 0"), (500, "Rp 500"), (1250000, "Rp 1.250.000"), (1000000000, "Rp 1.000.000.000")]
)
def test_rupiah_format(amount, text):
    assert format_rupiah(amount) == text

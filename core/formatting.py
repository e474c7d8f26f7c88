def format_rupiah(value) -> str:
    """``1250000`` -> ``Rp 1.250.000`` (Indonesian thousands separator, no decimals)."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")



FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell value that no spreadsheet runs as a formula (CSV/formula injection, OWASP).

    Text starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe, which
    spreadsheets show as text; numbers, dates and other values pass unchanged. The one rule for
    every CSV and XLSX export.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

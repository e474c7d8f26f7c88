def format_rupiah(value) -> str:
    """``1250000`` -> ``Rp 1.250.000`` (Indonesian thousands separator, no decimals)."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


"""An amount in words, in Indonesian (terbilang), for receipts: num2words does the counting."""
from num2words import num2words


def terbilang(amount: int) -> str:
    words = num2words(abs(int(amount)), lang="id")
    return f"{'minus ' if amount < 0 else ''}{words} rupiah"

from django import template

from core.formatting import format_rupiah, mask_phone

register = template.Library()


@register.filter
def rupiah(value):
    """Format an integer amount of Rupiah as ``Rp 1.250.000``."""
    return format_rupiah(value)


@register.filter
def masked_phone(value):
    return mask_phone(value)

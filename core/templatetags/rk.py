from django import template

from core.formatting import format_rupiah

register = template.Library()


@register.filter
def rupiah(value):
    """Format an integer amount of Rupiah as ``Rp 1.250.000``."""
    return format_rupiah(value)


from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.money import format_amount, format_wan, format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    """12,345.00 元 in Chinese, CNY 12,345.00 in English."""
    if value is None:
        return ""
    return _("CNY %(amount)s") % {"amount": format_yuan(value)}


@register.filter
def wan(value) -> str:
    """170 万元 in Chinese; English readers count in yuan: CNY 1,700,000."""
    if value is None:
        return ""
    whole = format_yuan(value)
    if whole.endswith(".00"):
        whole = whole[:-3]
    # The Chinese text names the amount in 万元 (%(wan)s), the English one in yuan (%(yuan)s).
    # xgettext:no-python-format
    text = pgettext("amount in ten thousands of yuan", "CNY %(yuan)s")
    return text % {"yuan": whole, "wan": format_wan(value)}


@register.filter
def yuan_wan(value) -> str:
    """500,000.00 元（50 万元） in Chinese; CNY 500,000.00 in English (named once)."""
    return format_amount(value)


@register.filter
def wan_yuan(value) -> str:
    """50 万元（500,000.00 元） in Chinese; CNY 500,000.00 in English (named once)."""
    return format_amount(value, wan_first=True)


@register.filter
def number(value) -> str:
    """A KPI target without trailing zeros: 15, 2.5."""
    if value is None:
        return ""
    return f"{value.normalize():f}"

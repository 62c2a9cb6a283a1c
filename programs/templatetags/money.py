from django import template
from django.utils.translation import gettext as _

from programs.money import format_wan, format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    """12,345.00 元"""
    if value is None:
        return ""
    return _("%(amount)s yuan") % {"amount": format_yuan(value)}


@register.filter
def wan(value) -> str:
    """170 万元"""
    if value is None:
        return ""
    return _("%(amount)s × 10,000 yuan") % {"amount": format_wan(value)}


@register.filter
def number(value) -> str:
    """A KPI target without trailing zeros: 15, 2.5."""
    if value is None:
        return ""
    return f"{value.normalize():f}"

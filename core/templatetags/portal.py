from django import template

from core.text import join_list as _join_list

register = template.Library()


@register.filter
def join_list(items) -> str:
    """{{ names|join_list }}: A, B, C in English, A、B、C in Chinese."""
    return _join_list(items)

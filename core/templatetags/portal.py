from django import template

from core.text import join_list as _join_list
from core.text import text_lines as _text_lines

register = template.Library()


@register.filter
def join_list(items) -> str:
    """{{ names|join_list }}: A, B, C in English, A、B、C in Chinese."""
    return _join_list(items)


@register.filter
def text_lines(text) -> list[str]:
    """{% for line in plan|text_lines %}: a long typed text line by line, for the PDFs (core.pdf says why)."""
    return _text_lines(text)

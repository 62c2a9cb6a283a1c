"""Text helpers shared by every app."""

from django.utils.translation import pgettext


def join_list(items) -> str:
    """Items of a list in the user's language: "A, B, C" in English, "A、B、C" in Chinese."""
    return pgettext("separator between the items of a list", ", ").join(str(item) for item in items)

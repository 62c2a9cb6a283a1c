"""What an organisation's members are told when a call they fit opens (政策找企业): one notice per member and call,
naming for each of their organisations the tracks it fits and what it still needs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind


def _link(_program) -> str:
    return reverse("finder:mine")


CALL_MATCHED = Kind(
    "finder.call_matched", _("A new call your organisation fits"),
    _("%(program)s is open: your organisation fits it"),
    _("%(program)s (%(issuer)s) takes applications until %(deadline)s. From the profile your organisation entered, "
      "the funding finder found:\n%(matches)s\n\nOpen the funding finder to see each condition and start an "
      "application."),
    link=_link,
)

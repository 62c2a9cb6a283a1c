from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """One code: the 6 digits of the authenticator app, or (where accepted) a backup code."""

    token = forms.CharField(
        label=_("Code"), max_length=20, strip=True,
        error_messages={"required": _("Type the code your authenticator app shows."),
                        "max_length": _("A code is at most %(limit_value)d characters: type the 6 digits or one "
                                        "backup code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput


class CallWindowForm(forms.Form):
    opens = forms.DateField(label=_("Call opens"), widget=DateInput())
    closes = forms.DateField(label=_("Call closes"), widget=DateInput())
    reason = forms.CharField(label=_("Reason or notice reference"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("opens") and data.get("closes") and data["closes"] < data["opens"]:
            self.add_error("closes", _("The call must close on or after the day it opens."))
        return data


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Basis for opening the draft for applications"), max_length=300,
        help_text=_("For example the office's decision to adopt the draft, with its date or reference."),
        error_messages={"required": _("Say on what basis the draft is opened for applications.")},
    )

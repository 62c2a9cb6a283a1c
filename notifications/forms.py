from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .selectors import email_choices

PREFIX = "email:"


class NotificationSettingsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of my email and notifications"), choices=settings.LANGUAGES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = user.language
        self.kinds = []
        for kind, may_opt_out, email_on in email_choices(user):
            name = PREFIX + kind.code
            self.fields[name] = forms.BooleanField(
                label=kind.label, required=False, initial=email_on, disabled=not may_opt_out,
                help_text="" if may_opt_out else _("Formal notices are always emailed."),
            )
            self.kinds.append((kind, name, may_opt_out))

    def email_off(self) -> set[str]:
        return {kind.code for kind, name, may_opt_out in self.kinds
                if may_opt_out and not self.cleaned_data.get(name)}

from django import forms
from django.utils.translation import gettext_lazy as _

from .documents import kind_of


class GuideUploadForm(forms.Form):
    file = forms.FileField(label=_("Guide (text, Word .docx or PDF)"))

    def kind(self) -> str:
        return kind_of(self.cleaned_data["file"].name)


class DraftEditForm(forms.Form):
    draft_yaml = forms.CharField(label=_("Fixture draft (YAML)"), widget=forms.Textarea(attrs={"rows": 30}),
                                 strip=False)


class FillForm(forms.Form):
    holder = forms.CharField(max_length=20)
    field = forms.CharField(max_length=40)
    value = forms.CharField(label=_("Value"), max_length=300)

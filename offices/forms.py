from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Region

from .models import Office, OfficeRole


class OfficeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40,
                           help_text=_("Short and stable, for example gz-nansha; guides name their office by it. "
                                       "It cannot be changed later."))
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.select_related("parent__parent"),
                                    error_messages={"invalid_choice": _("Choose a region from the list.")})
    parent = forms.ModelChoiceField(label=_("Parent office"), queryset=Office.objects.all(), required=False,
                                    empty_label=_("none (a top-level office)"),
                                    error_messages={"invalid_choice": _("Choose an office from the list.")})
    parent_reads = forms.BooleanField(
        label=_("The parent office may read this office's programs"), required=False, initial=True,
        help_text=_("Staff of the office above see this office's programs, figures and files, and take no steps."))

    def __init__(self, *args, office: Office | None = None, **kwargs):
        if office is not None:
            kwargs.setdefault("initial", {"code": office.code, "name": office.name, "region": office.region_id,
                                          "parent": office.parent_id, "parent_reads": office.parent_reads})
        super().__init__(*args, **kwargs)
        if office is not None:
            self.fields["code"].disabled = True
            self.fields["parent"].queryset = Office.objects.exclude(pk=office.pk)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-check-input" if isinstance(field, forms.BooleanField)
                                          else "form-select" if hasattr(field, "queryset") else "form-control")

    def office_values(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"].strip(), "region": data["region"], "parent": data.get("parent"),
                "parent_reads": data.get("parent_reads", False)}


ROLE_CHOICES = OfficeRole.choices


class StaffAddForm(forms.Form):
    account = forms.CharField(label=_("User name or e-mail"), max_length=254,
                              help_text=_("An existing officer account."))
    role = forms.ChoiceField(label=_("Role in the office"), choices=ROLE_CHOICES, initial=OfficeRole.OFFICER)


class StaffInviteForm(forms.Form):
    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")})
    email = forms.EmailField(label=_("E-mail"), help_text=_("The link to set a password is sent here."))
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role in the office"), choices=ROLE_CHOICES, initial=OfficeRole.OFFICER)



from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from offices.models import Office

from .selectors import application_pk_for_reference, audit_object_types


class AuditSearchForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=None, required=False, empty_label=_("any"),
                                    to_field_name="code",
                                    error_messages={"invalid_choice": _("Choose an office from the list.")})
    content_type = forms.ModelChoiceField(label=_("Object type"), queryset=None, required=False,
                                          empty_label=_("any"))
    object = forms.CharField(label=_("Object"), required=False, max_length=40,
                             help_text=_("An id, or an application's reference number."))
    actor = forms.CharField(label=_("Actor"), required=False, max_length=100,
                            help_text=_("A user name (that user alone), or part of user names or full names."))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, office=None, **kwargs):
        """``office``: the log of that office alone (its administrator's page): the office field is dropped."""
        super().__init__(*args, **kwargs)
        self.fixed_office = office
        if office is not None:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = Office.objects.order_by("code")
        self.fields["content_type"].queryset = audit_object_types()
        self.fields["content_type"].label_from_instance = lambda ct: str(ct.model_class()._meta.verbose_name
                                                                         if ct.model_class() else ct.model)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date; swap them."))
        term = (data.get("object") or "").strip()
        data["object_id"] = ""
        if term and not term.isdigit():
            pk = application_pk_for_reference(term)
            if pk is None:
                self.add_error("object", _("No application has the reference “%(ref)s”. Enter an id or a reference "
                                           "number exactly as shown.") % {"ref": term})
            else:
                data["object_id"] = str(pk)
                data["content_type"] = data.get("content_type") or self._application_type()
        elif term:
            data["object_id"] = term
        return data

    @staticmethod
    def _application_type():
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get(app_label="applications", model="application")

    def search_arguments(self) -> dict:
        data = self.cleaned_data
        return {"content_type": data.get("content_type"), "object_id": data.get("object_id", ""),
                "actor": (data.get("actor") or "").strip(), "date_from": data.get("date_from"),
                "date_to": data.get("date_to"),
                "office": self.fixed_office.code if self.fixed_office is not None
                else (data["office"].code if data.get("office") else "")}

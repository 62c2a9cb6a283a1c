"""The funding finder's forms: the list's filters, and the anonymous quick check (nothing it receives is stored)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField
from organisations.choices import OrgType
from organisations.forms import RegionChoiceField
from organisations.selectors import region_choices
from programs.selectors import regions_with_programs

from .selectors import certification_standards, office_choices

SORT_CHOICES = [("amount", _("Largest amount first")), ("deadline", _("Nearest deadline first"))]
MAX_PATENTS = 100_000


class FilterForm(forms.Form):
    """Filters of the finder's lists; a value that names nothing is refused with the field's message and the list
    shown unfiltered."""

    office = forms.ChoiceField(label=_("Office"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    call_region = forms.ChoiceField(label=_("Region of the call"), required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES,
                             widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, staff=None, **kwargs):
        """``staff``: the officer whose offices the forecast may show (their offices only in the choices)."""
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("Every office"))] + office_choices(staff)
        self.fields["call_region"].choices = [("", _("Every region"))] + [
            (r.code, r.full_name) for r in regions_with_programs()]

    @property
    def as_filter(self) -> dict:
        """What templates/_filter_form.html reads (``filter.form``)."""
        return {"form": self}

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"office": "", "region": "", "sort": "amount"}
        data = self.cleaned_data
        return {"office": data["office"], "region": data["call_region"], "sort": data["sort"] or "amount"}


class QuickCheckForm(forms.Form):
    """A visitor's few figures. Amounts in yuan, as a year's figures (the check takes them for each year a guide
    reads); counts of valid patents."""

    region = RegionChoiceField(label=_("Registered region"), queryset=region_choices(),
                               help_text=_("Where the organisation is registered, down to the district if you can."))
    org_type = forms.ChoiceField(label=_("Organisation type"), choices=OrgType.choices)
    revenue = MoneyField(label=_("Sales revenue last year (yuan)"), required=False)
    rd_spend = MoneyField(label=_("R&D spend last year (yuan)"), required=False)
    ip_spend = MoneyField(label=_("IP spend last year (yuan)"), required=False)
    invention_patents = forms.IntegerField(label=_("Valid invention patents"), min_value=0, max_value=MAX_PATENTS,
                                           required=False)
    other_patents = forms.IntegerField(label=_("Valid utility-model patents"), min_value=0, max_value=MAX_PATENTS,
                                       required=False)
    certifications = forms.MultipleChoiceField(label=_("Certificates held, valid today"), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    legal_person = forms.BooleanField(label=_("An independent legal person"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certifications"].choices = [(s, s) for s in certification_standards()]

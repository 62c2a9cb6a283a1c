from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AcceptanceOutcomeChoice, InspectionMode, MidtermOutcome

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class ContractForm(forms.Form):
    signed_on = forms.DateField(label=_("Contract signed on"), **DATE)
    signed_file = forms.FileField(label=_("Signed contract (PDF)"))


class ReleaseForm(forms.Form):
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=100)
    released_on = forms.DateField(label=_("Paid on"), required=False, **DATE)


class MidtermForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MidtermOutcome.choices)
    checked_on = forms.DateField(label=_("Checked on"), **DATE)
    rectify_by = forms.DateField(label=_("Rectify by (three months if empty)"), required=False, **DATE)
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AcceptanceRequestForm(forms.Form):
    final_report = forms.FileField(label=_("Final report"))
    final_accounts = forms.FileField(label=_("Final accounts"))


class AcceptanceRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AcceptanceOutcomeChoice.choices)
    mode = forms.ChoiceField(label=_("Inspection"), choices=InspectionMode.choices)
    inspected_on = forms.DateField(label=_("Inspected on"), **DATE)
    expert_opinion = forms.CharField(label=_("Experts' opinion"), widget=forms.Textarea(attrs={"rows": 4}))
    rectify_by = forms.DateField(label=_("Rectify by (three months if empty)"), required=False, **DATE)

from django import forms
from django.utils.translation import gettext_lazy as _

from ipgrants.forms import DateInput

from .models import AcceptanceOutcomeChoice, InspectionMode, MidtermOutcome

DATE = {"widget": DateInput()}


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    """One field per quantitative KPI of the track (``kpi_<id>``), the narrative, evidence files."""

    narrative = forms.CharField(label=_("Narrative"), widget=forms.Textarea(attrs={"rows": 5}))
    evidence = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args, kpis=(), values=None, **kwargs):
        super().__init__(*args, **kwargs)
        values = values or {}
        self.kpis = [k for k in kpis if not k.qualitative and k.target is not None]
        for kpi in self.kpis:
            self.fields[f"kpi_{kpi.pk}"] = forms.DecimalField(
                label=f"{kpi.metric}（{kpi.unit}）" if kpi.unit else kpi.metric, required=False, min_value=0,
                max_digits=14, decimal_places=2, initial=values.get(kpi.pk))
        self.order_fields([f"kpi_{k.pk}" for k in self.kpis] + ["narrative", "evidence"])

    def kpi_values(self) -> dict:
        return {kpi.pk: self.cleaned_data.get(f"kpi_{kpi.pk}") for kpi in self.kpis}


class ReportReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("accept", _("Accept the report")),
                                                              ("return", _("Return with comments"))])
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportAddForm(forms.Form):
    due_on = forms.DateField(label=_("Due on"), **DATE)

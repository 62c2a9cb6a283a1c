from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .limits import COMMENTS_MAX, NARRATIVE_MAX, OPINION_MAX, PAYMENT_REFERENCE_MAX
from .models import AcceptanceOutcomeChoice, InspectionMode, MidtermOutcome

DATE = {"widget": DateInput()}


def limited_text(name: str, *, label, max_chars: int, rows: int, required: bool = True) -> forms.CharField:
    """A text box with its limit (the services check the same) and a live counter under it (``js/charcount.js``;
    the form templates add the counter's line ``id_<name>-count`` under every limited text box)."""
    return forms.CharField(label=label, required=required, max_length=max_chars,
                           widget=forms.Textarea(attrs={"rows": rows, "data-counter": f"id_{name}-count"}))


class ContractForm(forms.Form):
    signed_on = forms.DateField(label=_("Contract signed on"), **DATE)
    signed_file = forms.FileField(label=_("Signed contract (PDF)"))


class ReleaseForm(forms.Form):
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=PAYMENT_REFERENCE_MAX)
    released_on = forms.DateField(label=_("Paid on"), required=False, **DATE)


class CancelRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=COMMENTS_MAX)


class MidtermForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MidtermOutcome.choices)
    checked_on = forms.DateField(label=_("Checked on"), **DATE)
    rectify_by = forms.DateField(label=_("Rectify by (three months if empty)"), required=False, **DATE)
    comments = limited_text("comments", label=_("Comments"), max_chars=COMMENTS_MAX, rows=3, required=False)


class MidtermRequirementForm(forms.Form):
    """The office requires a mid-term check of a project, or no longer requires it (``required``: 1 or 0)."""

    required = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")],
                                      coerce=lambda value: value == "1", widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=COMMENTS_MAX)


class AcceptanceRequestForm(forms.Form):
    final_report = forms.FileField(label=_("Final report"))
    final_accounts = forms.FileField(label=_("Final accounts"))
    confirm_early = forms.BooleanField(
        label=_("We ask for acceptance before the project's period ends"), required=False,
        help_text=_("Tick only when the period has not ended yet: the office is told the request comes early."))


class AcceptanceRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AcceptanceOutcomeChoice.choices)
    mode = forms.ChoiceField(label=_("Inspection"), choices=InspectionMode.choices)
    inspected_on = forms.DateField(label=_("Inspected on"), **DATE)
    expert_opinion = limited_text("expert_opinion", label=_("Experts' opinion"), max_chars=OPINION_MAX, rows=4)
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

    narrative = limited_text("narrative", label=_("Narrative"), max_chars=NARRATIVE_MAX, rows=5)
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
    comments = limited_text("comments", label=_("Comments"), max_chars=COMMENTS_MAX, rows=3, required=False)


class ReportAddForm(forms.Form):
    due_on = forms.DateField(label=_("Due on"), **DATE)

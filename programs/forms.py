from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .models import TrancheTrigger


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


class TrancheRowForm(forms.Form):
    """One tranche of a plan the officer sets: its share and when it is paid (an empty row is skipped)."""

    share_percent = forms.DecimalField(label=_("share (%)"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"),
                                       max_value=Decimal("100"), required=False)
    trigger = forms.ChoiceField(label=_("Paid"), choices=TrancheTrigger.choices, required=False)


PlanFormSet = forms.formset_factory(TrancheRowForm, extra=0, max_num=6, absolute_max=6)

# Two tranches suggested where the guide states none: half after the contract, half after acceptance.
SUGGESTED_PLAN = [{"share_percent": Decimal("50"), "trigger": TrancheTrigger.ON_CONTRACT},
                  {"share_percent": Decimal("50"), "trigger": TrancheTrigger.ON_ACCEPTANCE}]


def plan_formset(data=None, *, track=None) -> forms.BaseFormSet:
    """The plan form: the track's plan when it has one, else the suggested two tranches, with room for one more."""
    initial = [{"share_percent": t.share_percent, "trigger": t.trigger} for t in track.tranches.order_by("seq")] \
        if track is not None else []
    if data is not None:  # no initial: a row equal to the suggestion would count as unchanged, hence empty
        return PlanFormSet(data)
    formset = PlanFormSet(initial=initial or SUGGESTED_PLAN)
    formset.extra = 1
    return formset


def plan_rows(formset) -> list:
    """The filled rows of a valid plan form, as the service takes them."""
    from .services import PlanRow

    return [PlanRow(f.cleaned_data["share_percent"], f.cleaned_data.get("trigger") or "")
            for f in formset.forms if f.cleaned_data.get("share_percent") is not None]


class CalendarImportForm(forms.Form):
    """A year's holiday schedule: the State Council notice's title and the days, as a file or pasted YAML."""

    MAX_BYTES = 1024 * 1024

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              error_messages={"required": _("Give the year the schedule is for, e.g. 2027.")})
    notice_title = forms.CharField(
        label=_("State Council notice"), max_length=300,
        help_text=_("Its title, e.g. 国务院办公厅关于2027年部分节假日安排的通知."),
        error_messages={"required": _("Give the title of the State Council's notice the schedule comes from.")})
    file = forms.FileField(label=_("Schedule file (.yaml or .xlsx)"), required=False,
                           help_text=_("YAML: one “- {date: 2027-02-06, kind: 休, name: 春节}” per line. Excel: "
                                       "columns 日期, 类型 (休 or 班), 名称."))
    text = forms.CharField(label=_("Or type the days (YAML)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 6, "placeholder": "- {date: 2027-02-06, kind: 休, "
                                                                                  "name: 春节}"}))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.size > self.MAX_BYTES:
            self.add_error("file", _("The file is larger than 1 MB; a year's schedule is a few dozen lines."))
        elif upload is None and not (data.get("text") or "").strip():
            self.add_error("file", _("Choose the schedule file or type the days below."))
        return data


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(),
                           error_messages={"invalid": _("Give the date as 2027-02-06.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=[("holiday", _("休 holiday (day off)")),
                                                       ("workday", _("班 adjusted working day"))])
    name = forms.CharField(label=_("Name"), max_length=60, required=False)

"""Forms check the shape of what was typed; services check the guide's rules."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField
from core.money import format_yuan
from organisations.choices import OrgType
from organisations.uscc import normalise_uscc, validate_uscc
from programs.models import Allocation, AwardMode, JointPolicy, Track

from .checks import active_kpis
from .inputs import (
    BUDGET_ITEM_MAX,
    CONDITION_NOTE_MAX,
    EXCLUSION_REASON_MAX,
    MAX_EXCLUSIONS,
    PLAN_MAX_CHARS,
    WITHDRAW_REASON_MAX,
    row_limits,
)
from .models import BudgetLine, ConditionDecision
from .services import BudgetData, ExclusionData, PartnerData, SubmissionData

EXPLAIN_PREFIX = "explain-"

# 诚信承诺: the wording is recorded with each submitted version, exactly as the applicant saw it.
DECLARATION_TEXT = _(
    "We declare that everything in this application and its materials is true, accurate and complete, "
    "that no part infringes another's intellectual property, and that we accept the program office's "
    "checks and bear the legal responsibility for any false statement."
)


def explanations_from(data) -> dict[int, str]:
    """The explanations of soft conditions typed in the form (``explain-<rule id>``), as typed."""
    found = {}
    for key, value in (data or {}).items():
        if key.startswith(EXPLAIN_PREFIX) and key[len(EXPLAIN_PREFIX):].isdigit():
            found[int(key[len(EXPLAIN_PREFIX):])] = str(value)
    return found


def award_help(track: Track) -> str:
    """What the track's award money allows, as the form's help text."""
    if track.budget is None:
        return ""
    amount = {"budget": format_yuan(track.budget)}
    if track.award_mode == AwardMode.FIXED:
        return _("Awards on this track are a fixed %(budget)s yuan.") % amount
    if track.award_mode == AwardMode.POOL and track.allocation == Allocation.BY_SCORE:
        return _("State the amount you ask for, at most the pool of %(budget)s yuan. The track's awards share "
                 "the pool by review score.") % amount
    if track.award_mode == AwardMode.POOL and track.allocation == Allocation.EQUAL:
        return _("State the amount you ask for, at most the pool of %(budget)s yuan. The track's awards share "
                 "the pool in equal parts.") % amount
    if track.award_mode == AwardMode.POOL:
        return _("The track's awards share a pool of %(budget)s yuan; the office allocates it.") % amount
    if track.award_mode == AwardMode.CAP:
        return _("Each award on this track is at most %(budget)s yuan.") % amount
    return _("The track's budget is %(budget)s yuan.") % amount


MONEY = {"max_digits": 14}


class StartForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Applying organisation"), queryset=None, empty_label=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    plan = forms.CharField(
        label=_("Project plan"), max_length=PLAN_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "data-counter": "plan-count"}),
        help_text=_("Significance, background and goals, content, measures and how it will be carried out. "
                    "At most %(max)s characters; put longer explanations in an attached material.")
        % {"max": f"{PLAN_MAX_CHARS:,}"},
        error_messages={"max_length": _("The plan has %(show_value)d characters; at most %(limit_value)d are "
                                        "allowed. Put details in an attached material.")},
    )
    requested_amount = MoneyField(label=_("Requested amount (yuan)"), **MONEY)
    matching_funds = MoneyField(label=_("Matching funds (yuan)"), initial=Decimal("0"), **MONEY)
    matching_committed = forms.BooleanField(
        label=_("We commit to provide the matching funds stated above."), required=False
    )
    # Required only to submit (the service says so); a draft can be saved without it.
    declaration = forms.BooleanField(label=_("Integrity declaration"), required=False,
                                     help_text=DECLARATION_TEXT)

    def __init__(self, *args, track: Track, **kwargs):
        super().__init__(*args, **kwargs)
        self.track = track
        self.fields["requested_amount"].help_text = award_help(track)
        self.kpi_fields = []
        for kpi in active_kpis(track):
            if kpi.qualitative:
                field = forms.CharField(label=kpi.metric, max_length=500, required=False,
                                        help_text=_("How you will meet this target."))
                name = f"kpinote_{kpi.pk}"
            else:
                field = forms.DecimalField(
                    label=kpi.metric, max_digits=14, decimal_places=2, required=kpi.group_id is None,
                    help_text=_("Guide's target: %(cmp)s %(target)s %(unit)s") % {
                        "cmp": kpi.get_comparator_display(), "target": f"{kpi.target.normalize():f}",
                        "unit": kpi.unit},
                    error_messages={"required": _("Enter the value you commit to."),
                                    "invalid": _("Enter a number, for example 15.")},
                )
                name = f"kpi_{kpi.pk}"
            self.fields[name] = field
            self.kpi_fields.append((kpi, name))

    def kpi_rows(self):
        return [(kpi, self[name]) for kpi, name in self.kpi_fields]

    def kpi_sections(self):
        """KPI rows in guide order; the KPIs of a group stand together under the group's rule."""
        sections: list[tuple] = []
        by_group: dict[int, list] = {}
        for kpi, name in self.kpi_fields:
            if kpi.group_id is None:
                sections.append((None, [(kpi, self[name])]))
            elif kpi.group_id in by_group:
                by_group[kpi.group_id].append((kpi, self[name]))
            else:
                by_group[kpi.group_id] = [(kpi, self[name])]
                sections.append((kpi.group, by_group[kpi.group_id]))
        return sections

    def kpi_values(self) -> dict[int, tuple[Decimal | None, str]]:
        values = {}
        for kpi, name in self.kpi_fields:
            if kpi.qualitative:
                values[kpi.pk] = (None, self.cleaned_data.get(name, ""))
            else:
                values[kpi.pk] = (self.cleaned_data.get(name), "")
        return values


class RowForm(forms.Form):
    """A row of a table: plain Bootstrap inputs, labelled by the table's header."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if choice else "form-control form-control-sm"
            field.widget.attrs["aria-label"] = str(field.label)

    def _post_clean(self):
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                css = self.fields[name].widget.attrs.get("class", "")
                self.fields[name].widget.attrs["class"] = f"{css} is-invalid".strip()


class PartnerForm(RowForm):
    name = forms.CharField(label=_("Partner name"), max_length=200, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    org_type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *OrgType.choices], required=False)
    role = forms.CharField(label=_("Tasks in the project"), max_length=300, required=False)
    share_percent = forms.DecimalField(label=_("Share of the grant (%)"), max_digits=5, decimal_places=2,
                                       min_value=Decimal("0"), max_value=Decimal("100"), required=False)

    def clean(self):
        data = super().clean()
        if any(data.get(k) not in (None, "") for k in ("uscc", "org_type", "role", "share_percent")) \
                and not data.get("name"):
            self.add_error("name", _("Enter the partner's name, or clear this row."))
        if data.get("name") and not data.get("org_type"):
            self.add_error("org_type", _("Choose the partner's organisation type."))
        if data.get("name") and not data.get("uscc") and "uscc" not in self.errors:
            self.add_error("uscc", _("Enter the partner's 18-character unified social credit code."))
        return data

    def clean_uscc(self):
        """Checked like the lead's code (GB 32100), so a partner can be matched to its portal profile."""
        value = normalise_uscc(self.cleaned_data.get("uscc", ""))
        if value:
            validate_uscc(value)
        return value


class BudgetForm(RowForm):
    item = forms.CharField(label=_("Budget item"), max_length=BUDGET_ITEM_MAX, required=False)
    source = forms.ChoiceField(label=_("Paid from"), choices=[("", "—"), *BudgetLine.Source.choices], required=False)
    amount = MoneyField(label=_("Amount (yuan)"), required=False, **MONEY)

    def clean(self):
        data = super().clean()
        if data.get("item") and data.get("amount") is None:
            self.add_error("amount", _("Enter the amount of this item, or clear the row."))
        if data.get("amount") is not None and not data.get("item"):
            self.add_error("item", _("Name this budget item, or clear the row."))
        if data.get("item") and not data.get("source"):
            self.add_error("source", _("Choose whether the grant or matching funds pay for it."))
        return data


class ExclusionForm(RowForm):
    """回避申请: an expert who should not review this application (the officer sees it; reviewers never do)."""

    name = forms.CharField(label=_("Expert's name"), max_length=100, required=False)
    employer = forms.CharField(label=_("Expert's employer"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=EXCLUSION_REASON_MAX, required=False,
                             error_messages={"max_length": _("The reason has %(show_value)d characters; shorten it "
                                                             "to at most %(limit_value)d.")})

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("name", "employer", "reason")):
            return data
        if not data.get("name") and "name" not in self.errors:
            self.add_error("name", _("Enter the expert's name, or clear this row."))
        if not data.get("employer") and "employer" not in self.errors:
            self.add_error("employer", _("Enter the expert's employer, so the office can tell who is meant."))
        if not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", _("Say why this expert should not review your application."))
        return data


PartnerFormSet = formset_factory(PartnerForm, extra=0, can_delete=False)
ExclusionFormSet = formset_factory(ExclusionForm, extra=0, can_delete=False)
BudgetFormSet = formset_factory(BudgetForm, extra=0, can_delete=False)
BUDGET_ROWS_SHOWN = 6


def partner_rows_for(track: Track) -> int:
    if track.joint_policy == JointPolicy.REFUSED:
        return 0
    return track.partner_limit if track.partner_limit is not None else 3


class ApplicationForms:
    """The application form of a track: main fields, KPI commitments, partners and budget."""

    def __init__(self, track: Track, data: dict | None = None, initial: dict | None = None):
        self.track = track
        initial = initial or {}
        partner_rows = partner_rows_for(track)
        limits = row_limits(track)
        if data is not None:
            data = _padded(data, "partners", partner_rows, limits["partners"])
            data = _padded(data, "budget", BUDGET_ROWS_SHOWN, limits["budget"])
            self.main = ApplicationForm(data, track=track)
            self.partners = PartnerFormSet(data, prefix="partners")
            self.budget = BudgetFormSet(data, prefix="budget")
            data = _padded(data, "exclusions", MAX_EXCLUSIONS, limits["exclusions"])
            self.exclusions = ExclusionFormSet(data, prefix="exclusions")
        else:
            self.main = ApplicationForm(initial=initial, track=track)
            columns = ("name", "uscc", "org_type", "role", "share_percent")
            self.partners = PartnerFormSet(
                initial=_rows(initial, "partners", columns, partner_rows, limits["partners"]), prefix="partners")
            self.budget = BudgetFormSet(initial=_rows(initial, "budget", ("item", "source", "amount"),
                                                      BUDGET_ROWS_SHOWN, limits["budget"]), prefix="budget")
            self.exclusions = ExclusionFormSet(initial=_rows(initial, "exclusions", ("name", "employer", "reason"),
                                                             MAX_EXCLUSIONS, limits["exclusions"]),
                                               prefix="exclusions")
        self.non_field_errors: list[str] = []
        self.extra_errors: dict[str, list[str]] = {}

    def is_valid(self) -> bool:
        return all([self.main.is_valid(), self.partners.is_valid(), self.budget.is_valid(),
                    self.exclusions.is_valid()])

    def submission_data(self) -> SubmissionData:
        cd = self.main.cleaned_data
        partners = [
            PartnerData(name=f["name"], uscc=f.get("uscc", ""), org_type=f["org_type"], role=f.get("role", ""),
                        share_percent=f.get("share_percent"))
            for f in self.partners.cleaned_data if f.get("name")
        ]
        budget = [
            BudgetData(item=f["item"], source=f["source"], amount=f["amount"])
            for f in self.budget.cleaned_data if f.get("item")
        ]
        exclusions = [ExclusionData(name=f["name"], employer=f["employer"], reason=f["reason"])
                      for f in self.exclusions.cleaned_data if f.get("name")]
        return SubmissionData(
            exclusions=exclusions,
            title=cd["title"], plan=cd["plan"], requested_amount=cd["requested_amount"],
            matching_funds=cd["matching_funds"] or Decimal("0"), matching_committed=cd["matching_committed"],
            partners=partners, kpis=self.main.kpi_values(), budget=budget,
            explanations=explanations_from(self.main.data),
            declaration=str(DECLARATION_TEXT) if cd.get("declaration") else "",
        )

    def add_problems(self, problems: dict[str, list[str]]) -> None:
        """Show the service's rule problems next to the fields they concern."""
        for key, messages in problems.items():
            for message in messages:
                if key in self.main.fields:
                    self.main.add_error(key, message)
                elif key == "__all__":
                    self.non_field_errors.append(message)
                else:
                    self.extra_errors.setdefault(key, []).append(message)

    @property
    def error_count(self) -> int:
        count = len(self.main.errors) + len(self.non_field_errors) + sum(len(v) for v in self.extra_errors.values())
        count += sum(len(e) for e in self.partners.errors) + sum(len(e) for e in self.budget.errors)
        count += sum(len(e) for e in self.exclusions.errors)
        return count


def _total(data: dict, prefix: str, rows: int, limit: int) -> int:
    """Rows to show: at least ``rows``, never more than ``limit`` whatever the data says."""
    try:
        total = max(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), rows)
    except ValueError:
        total = rows
    return min(total, limit)


def _padded(data: dict, prefix: str, rows: int, limit: int) -> dict:
    """Give the formset its management data (autosaved drafts keep it; an old draft may not)."""
    data = dict(data)
    data[f"{prefix}-TOTAL_FORMS"] = str(_total(data, prefix, rows, limit))
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    return data


def _rows(initial: dict, prefix: str, fields: tuple[str, ...], rows: int, limit: int) -> list[dict]:
    total = _total(initial, prefix, rows, limit)
    return [{f: initial.get(f"{prefix}-{i}-{f}", "") for f in fields} for i in range(total)]


class UploadForm(forms.Form):
    material = forms.TypedChoiceField(label=_("Material"), coerce=int, choices=(),
                                      error_messages={"required": _("Choose which material this file is."),
                                                      "invalid_choice": _("Choose which material this file is.")})
    file = forms.FileField(label=_("File"), error_messages={"required": _("Choose a file to upload.")})

    def __init__(self, *args, track: Track, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [(m.pk, m.title) for m in track.materials.all()]


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Comment to the applicant"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Required when returning or refusing: say what to change or why."),
    )


class PassForm(DecisionForm):
    confirm = forms.BooleanField(
        label=_("I have checked the application, its materials and every condition; pass it to expert review."),
        error_messages={"required": _("Tick the confirmation to pass the application.")},
    )


class ConditionForm(forms.Form):
    rule_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 error_messages={"required": _("Choose whether the condition is met.")})
    note = forms.CharField(label=_("Note"), max_length=CONDITION_NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = ConditionDecision.Decision.choices


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=WITHDRAW_REASON_MAX, required=False,
        error_messages={"max_length": _("The reason has %(show_value)d characters; shorten it to at most "
                                        "%(limit_value)d. Nothing was changed.")},
    )

"""Forms check the shape of what was typed; services check the rules."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput, MoneyField, posted_id, posted_ids

from .models import SCORE_MAX, SCORE_MIN, Recommendation
from .services import REASON_MAX, ReviewerData, ScoreData, parse_score


class RoundForm(forms.Form):
    reviewers_per_application = forms.IntegerField(label=_("Reviewers per application"), min_value=1, max_value=15)
    deadline = forms.DateField(label=_("Review deadline"), required=False,
                               widget=DateInput())
    blind = forms.BooleanField(label=_("Blind review"), required=False, initial=True,
                               help_text=_("Reviewers see no organisation names, people, credit codes or partners."))
    random_draw = forms.BooleanField(label=_("Random draw among the qualified (随机抽取)"), required=False,
                                     help_text=_("The seed is recorded so the draw can be reproduced."))


class PoolChoice(forms.Form):
    """The pool new experts go to (``pools.pool_choices``: the offices the officer works for, and the shared pool
    for a platform admin). The first is chosen when none is posted; an officer of no office cannot add."""

    pool = forms.ChoiceField(label=pgettext_lazy("expert pool", "Pool"), required=False)

    def __init__(self, *args, pools: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = pools
        if len(pools) < 2:
            self.fields["pool"].widget = forms.HiddenInput()
        if pools:
            self.fields["pool"].initial = pools[0][0]
        self.pools = pools

    def clean_pool(self):
        value = self.cleaned_data.get("pool")
        if not self.pools:
            raise ValidationError(_("You work for no office, so you cannot add experts: ask an office administrator "
                                    "to make you a member of your office."))
        if self.add_prefix("pool") not in self.data:
            return self.pools[0][0]
        if value not in dict(self.pools):
            raise ValidationError(_("Choose one of the pools offered."))
        return value


class ImportForm(PoolChoice):
    file = forms.FileField(label=_("Expert pool (.xlsx)"),
                           help_text=_("Columns: 姓名, 电子邮箱, 工作单位, 统一社会信用代码, 职称, 专业领域, 地区代码, "
                                       "评审上限. Name and e-mail are required."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it."))
        return upload


class ReviewerForm(PoolChoice):
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    affiliation_name = forms.CharField(label=_("Affiliation"), max_length=200, required=False)
    affiliation_uscc = forms.CharField(label=_("Affiliation's credit code"), max_length=30, required=False)
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    expertise = forms.CharField(label=_("Expertise"), max_length=300, required=False,
                                help_text=_("Keywords separated by commas, e.g. 专利运营, 集成电路."))
    load_limit = forms.IntegerField(label=_("Most applications per round"), min_value=1, max_value=200, initial=10)

    def clean_affiliation_uscc(self):
        from organisations.uscc import normalise_uscc, validate_uscc

        code = normalise_uscc(self.cleaned_data["affiliation_uscc"])
        if code:
            validate_uscc(code)
        return code

    def reviewer_data(self) -> ReviewerData:
        from .pool_excel import SPLIT

        data = self.cleaned_data
        return ReviewerData(name=data["name"], email=data["email"], affiliation_name=data["affiliation_name"],
                            affiliation_uscc=data["affiliation_uscc"], title=data["title"],
                            expertise=[w for w in SPLIT.split(data["expertise"]) if w], load_limit=data["load_limit"])


class PublicityEndForm(forms.Form):
    """The officer's confirmation of an end of publicity counted through a provisional year."""

    ends_on = forms.DateField(label=_("Publicity ends"), widget=DateInput(attrs={"class": "form-control"}),
                              error_messages={"invalid": _("Give the last day of the publicity as 2027-01-08."),
                                              "required": _("Give the last day of the publicity as 2027-01-08.")})
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
                             required=False, max_length=REASON_MAX)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             max_length=REASON_MAX)


def reason_text(form: ReasonForm) -> str:
    """The reason to hand to the service: as typed when the form refused it (too long, a NUL), so that the service
    says what is wrong instead of asking for a reason that was given."""
    return form.cleaned_data["reason"] if form.is_valid() else str(form.data.get("reason", ""))


def posted_tie_order(data) -> list[int]:
    """The tied applications in the officer's order: each posted ``application`` with its ``place`` (1 = best).
    Refused, naming what to do, unless the places are 1 to n, each once."""
    ids = posted_ids(data.getlist("application"))
    places = [posted_id(place) for place in data.getlist("place")]
    if len(ids) < 2 or len(places) != len(ids) or sorted(p or 0 for p in places) != list(range(1, len(ids) + 1)):
        raise ValidationError({"order": _("Give each tied application its own place, from 1 (best) to %(n)s.")
                               % {"n": max(len(ids), 2)}})
    return [pk for _place, pk in sorted(zip(places, ids, strict=True))]


class AmountForm(forms.Form):
    """One award's amount on the decision tab: the portal's money box (reads 45万, previews it live), one per row."""

    amount = MoneyField(label=_("Award (yuan)"), min_value=Decimal("0.01"), max_digits=14)
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, award, **kwargs):
        kwargs.setdefault("auto_id", f"id_award{award.pk}_%s")  # one form per row: ids must differ
        kwargs.setdefault("initial", {"amount": award.amount})
        super().__init__(*args, **kwargs)
        self.award = award
        self.fields["amount"].widget.attrs.update({"class": "form-control form-control-sm input-amount"})
        self.fields["reason"].widget.attrs.update({"class": "form-control form-control-sm input-amount",
                                                   "placeholder": _("Reason")})

    def problems(self) -> list[str]:
        """Each error with the row and the box it belongs to, for the message at the top of the page."""
        return [_("%(row)s: %(field)s: %(problem)s") % {
            "row": self.award.application.reference,
            "field": self.fields[name].label if name in self.fields else _("Award"), "problem": problem}
            for name, problems in self.errors.items() for problem in problems]


class ObjectionForm(forms.Form):
    award = forms.TypedChoiceField(label=_("Objection to"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=_("Your objection and its grounds"), widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=5000)

    def __init__(self, *args, awards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = [("", _("The list as a whole"))] + [
            (a.pk, f"{a.application.reference} {a.application.title}") for a in awards]


class AddAssignmentForm(forms.Form):
    application = forms.TypedChoiceField(label=_("Application"), coerce=int)
    reviewer = forms.TypedChoiceField(label=_("Reviewer"), coerce=int)

    def __init__(self, *args, applications=(), reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(a.pk, f"{a.reference} {a.title}") for a in applications]
        self.fields["reviewer"].choices = [(r.pk, f"{r.name} ({r.affiliation_name})") for r in reviewers]


class ScoreForm(forms.Form):
    """One score and comment per criterion, the opinion and the recommendation. Typed values are kept on errors."""

    opinion = forms.CharField(label=_("Overall opinion"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=10000)
    recommendation = forms.ChoiceField(label=_("Recommendation"), required=False,
                                       choices=[("", "—"), *Recommendation.choices],
                                       widget=forms.Select(attrs={"class": "form-select w-auto"}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.CharField(
                label=c.display_title, required=False, help_text=_("%(min)s to %(max)s; weight %(weight)s") % {
                    "min": SCORE_MIN, "max": SCORE_MAX, "weight": f"{c.weight.normalize():f}"},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control score-input"}))
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}))

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def score_data(self) -> ScoreData:
        data = self.cleaned_data
        return ScoreData(
            scores={c.pk: (parse_score(data.get(f"score_{c.pk}")), data.get(f"comment_{c.pk}", ""))
                    for c in self.criteria},
            opinion=data.get("opinion", ""), recommendation=data.get("recommendation", ""))

    def add_problems(self, problems: dict[str, list[str]]) -> None:
        for key, messages in problems.items():
            self.add_error(key if key in self.fields else None, messages)


class AppealForm(forms.Form):
    """复审: the applicant's reasons for asking the office to look again at a refusal."""

    reasons = forms.CharField(label=_("Your reasons for the appeal"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=REASON_MAX, required=False,
                              help_text=_("Say which part of the decision you contest and why; the program office "
                                          "decides the appeal and tells you its reasons."))

    def reasons_text(self) -> str:
        """As typed when the form refused it, so that the service says what is wrong (as ``reason_text``)."""
        return self.cleaned_data["reasons"] if self.is_valid() else str(self.data.get("reasons", ""))

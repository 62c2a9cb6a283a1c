"""Forms for the organisation profile. They validate and normalise; the services do the writing."""

from crispy_forms.helper import FormHelper
from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet, ModelChoiceIterator, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, MoneyField

from .models import AcceptanceOutcome, Certification, FinancialYear, Organisation, Patent, ProjectRecord
from .selectors import region_choices
from .services import (
    CERTIFICATION_FIELDS,
    EARLIEST_AWARD,
    EARLIEST_CERTIFICATE,
    EARLIEST_PATENT_GRANT,
    EARLIEST_YEAR,
    FINANCIAL_YEAR_FIELDS,
    ORGANISATION_FIELDS,
    PATENT_FIELDS,
    PROJECT_RECORD_FIELDS,
    RowChanges,
    check_certification,
    check_patent,
    check_project_record_dates,
)
from .uscc import normalise_uscc, validate_uscc

DATE_WIDGET = DateInput()


def date_widget(earliest) -> DateInput:
    """A date box that tells the browser the plausible range; the services check it again."""
    return DateInput(attrs={"min": earliest.isoformat()})


class ServiceChecksMixin:
    """Runs a service's check on the cleaned values so the form names the same field with the same message."""

    service_check = None

    def clean(self):
        data = super().clean()
        try:
            type(self).service_check(data)
        except forms.ValidationError as exc:
            for name, errors in exc.error_dict.items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, errors)
        return data

PREFILLED_YEARS = 3


class RegionChoiceIterator(ModelChoiceIterator):
    """Regions grouped under their province, each labelled with its full name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for region in self.queryset:
            province = region
            while province.parent is not None:
                province = province.parent
            groups.setdefault(province.name, []).append(self.choice(region))
        yield from groups.items()


class RegionChoiceField(forms.ModelChoiceField):
    iterator = RegionChoiceIterator

    def label_from_instance(self, obj) -> str:
        return obj.full_name


class OrganisationForm(forms.ModelForm):
    # Longer than 18 so that a code pasted with spaces reaches clean_uscc, which strips them.
    uscc = forms.CharField(
        label=_("Unified social credit code"), max_length=40,
        help_text=_("The 18-character code on the business licence or registration certificate."),
    )
    region = RegionChoiceField(
        label=_("Registered region"), queryset=region_choices(),
        help_text=_("Where the organisation is registered, down to the district if you can."),
    )

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        error_messages = {
            "uscc": {
                "unique": _("An organisation with this code is already registered. Ask one of its members "
                            "to add you on its members page."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_uscc(self) -> str:
        value = normalise_uscc(self.cleaned_data.get("uscc", ""))
        validate_uscc(value)
        return value


class FinancialYearForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), min_value=EARLIEST_YEAR)
    sales_revenue = MoneyField(label=_("Sales revenue (yuan)"))
    rd_spend = MoneyField(label=_("R&D spend (yuan)"))
    ip_spend = MoneyField(label=_("IP spend (yuan)"))

    class Meta:
        model = FinancialYear
        fields = FINANCIAL_YEAR_FIELDS

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("Enter a past or the current year, not %(year)d."),
                                        params={"year": year})
        return year


class PatentForm(ServiceChecksMixin, forms.ModelForm):
    service_check = check_patent

    class Meta:
        model = Patent
        fields = PATENT_FIELDS
        widgets = {"granted_on": date_widget(EARLIEST_PATENT_GRANT)}

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()


class CertificationForm(ServiceChecksMixin, forms.ModelForm):
    service_check = check_certification

    class Meta:
        model = Certification
        fields = CERTIFICATION_FIELDS
        widgets = {"valid_from": date_widget(EARLIEST_CERTIFICATE), "valid_until": DATE_WIDGET}


class ProfileFormSet(BaseInlineFormSet):
    """An inline formset rendered as a table inside the profile page's single form."""

    title = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.template = "bootstrap5/table_inline_formset.html"
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class FinancialYearFormSet(ProfileFormSet):
    """Pre-fills empty rows for whichever of the last three years are missing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        have = {fy.year for fy in self.get_queryset()}
        last = timezone.localdate().year - 1
        missing = [year for year in range(last, last - PREFILLED_YEARS, -1) if year not in have]
        self.initial_extra = [{"year": year} for year in missing]
        self.extra = max(len(missing), 1)


def _formset(model, form, formset=ProfileFormSet):
    return inlineformset_factory(
        Organisation, model, form=form, formset=formset, extra=1, can_delete=True,
        fields=form._meta.fields,
    )


FinancialYearInlineFormSet = _formset(FinancialYear, FinancialYearForm, FinancialYearFormSet)
PatentInlineFormSet = _formset(Patent, PatentForm)
CertificationInlineFormSet = _formset(Certification, CertificationForm)


def profile_formsets(data=None, *, instance: Organisation) -> dict[str, BaseInlineFormSet]:
    return {
        "financial_years": FinancialYearInlineFormSet(
            data, instance=instance, prefix="fy", queryset=FinancialYear.objects.order_by("-year")
        ),
        "patents": PatentInlineFormSet(
            data, instance=instance, prefix="patent",
            queryset=Patent.objects.order_by("-granted_on", "number"),
        ),
        "certifications": CertificationInlineFormSet(
            data, instance=instance, prefix="cert",
            queryset=Certification.objects.order_by("-valid_until", "pk"),
        ),
    }


def formset_changes(formset: BaseInlineFormSet) -> RowChanges:
    """What a valid formset asks to save and delete, for the profile_save_* services."""
    changes = RowChanges()
    fields = [name for name in formset.form._meta.fields if name != formset.fk.name]
    for form in formset.forms:
        existing = form.instance.pk is not None
        if not existing and not form.has_changed():
            continue  # an untouched empty row
        if formset.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME):
            if existing:
                changes.deleted.append(form.instance)
            continue
        if form.has_changed():
            changes.saved.append((form.instance if existing else None,
                                  {name: form.cleaned_data[name] for name in fields}))
    return changes


class ProjectRecordForm(ServiceChecksMixin, forms.ModelForm):
    service_check = check_project_record_dates

    class Meta:
        model = ProjectRecord
        fields = PROJECT_RECORD_FIELDS
        widgets = {
            "awarded_on": date_widget(EARLIEST_AWARD), "accepted_on": date_widget(EARLIEST_AWARD),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        acceptance, accepted_on = data.get("acceptance"), data.get("accepted_on")
        if acceptance and acceptance != AcceptanceOutcome.PENDING and not accepted_on:
            self.add_error("accepted_on", _("Enter the acceptance date for a passed or failed acceptance."))
        return data


class BlacklistForm(forms.Form):
    """An officer's entry for the credit blacklist, an officer-owned fact the applicant cannot change."""

    blacklisted = forms.BooleanField(label=_("Listed on a national or provincial credit blacklist"), required=False)
    reason = forms.CharField(
        label=_("Source or reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the list and the date it was checked; kept in the audit trail."),
    )


class MemberInviteForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("The username your colleague registered with as an applicant. They see the invitation on "
                    "their own page and accept or decline it."),
    )

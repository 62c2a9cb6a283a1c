"""QuickSelect writes the same <select> as Django's templates, for flat and grouped choices, any value, and
whatever attributes; quick_selects swaps only plain single selects and keeps their choices."""

import re

import pytest
from django import forms

from core.forms import QuickSelect, quick_selects
from organisations.filters import OrganisationFilter
from organisations.models import Region

FLAT = [("", "---------"), ("a", "甲 & <乙>"), ("b", 'say "b"'), (3, "三")]
GROUPED = [("", "---------"), ("广东", [("gd", "广东省"), ("gz", "广州市")]), ("x", "其他")]


def same(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("choices", [FLAT, GROUPED])
@pytest.mark.parametrize("value", [None, "", "a", "b", 3, "3", "gz", "missing"])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select is-invalid", "id": "id_x", "required": True,
                                       "disabled": False, "data-x": '"q"'}])
def test_quick_select_writes_what_djangos_select_writes(choices, value, attrs):
    django_html = forms.Select(attrs=attrs, choices=choices).render("x", value)
    quick_html = QuickSelect(attrs=attrs, choices=choices).render("x", value)
    assert same(quick_html) == same(str(django_html))
    assert "&lt;乙&gt;" in quick_html or choices is GROUPED


@pytest.mark.django_db
def test_quick_selects_swaps_the_filter_forms_selects_and_keeps_their_choices():
    region = Region.objects.order_by("code").first()
    filterset = OrganisationFilter({"region": region.code, "org_type": ""}, queryset=None)
    form = filterset.form
    assert type(form.fields["region"].widget) is QuickSelect and type(form.fields["org_type"].widget) is QuickSelect
    assert type(form.fields["q"].widget) is forms.TextInput  # only selects
    html = str(form["region"])
    assert f'<option value="{region.code}" selected>' in html and html.count("<option") == Region.objects.count() + 1
    assert 'class="form-select"' in html and 'id="id_region"' in html


def test_quick_selects_leaves_other_widgets_alone():
    class Form(forms.Form):
        many = forms.MultipleChoiceField(choices=FLAT[1:])
        radio = forms.ChoiceField(choices=FLAT[1:], widget=forms.RadioSelect)
        one = forms.ChoiceField(choices=FLAT[1:], required=False)

    form = Form()
    quick_selects(form)
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert type(form.fields["one"].widget) is QuickSelect and not form.fields["one"].widget.is_required

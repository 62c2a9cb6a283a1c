"""The one money field: every amount box in the portal reads 30万 as 300,000.00 元 or refuses it with a message."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applications.forms import ApplicationForm, BudgetForm
from core.forms import MoneyField, MoneyInput
from core.money import format_wan, format_yuan, parse_amount
from organisations.forms import FinancialYearForm
from tests.conftest import client_for
from tests.organisations.factories import OrganisationFactory
from tests.organisations.test_views import edit_data

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999999.99"), places=2)


class AmountForm(forms.Form):
    amount = MoneyField(label="金额", max_digits=14)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("300000", "300000"), ("300,000.00", "300000.00"), ("300，000", "300000"), ("￥300000", "300000"),
        ("30万", "300000"), ("30 万元", "300000"), ("３０万", "300000"), ("1.5万", "15000"), ("0.15亿", "15000000"),
        ("300000元", "300000"), ("  1200000.5 ", "1200000.5"),
    ],
)
def test_money_field_reads_what_people_type(typed, expected):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(expected)


@pytest.mark.parametrize("typed", ["30w", "三十万", "1,00,000", "1e5", "-5", "30万万", "NaN", "30万 50"])
def test_money_field_refuses_other_text_with_the_form_message(typed):
    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert form.has_error("amount", "invalid") or form.has_error("amount", "min_value")


def test_money_field_refuses_more_than_two_places_and_keeps_what_was_typed():
    form = AmountForm({"amount": "12345.678"})
    assert form.has_error("amount", "max_decimal_places")
    assert 'value="12345.678"' in str(form["amount"])


def test_money_field_shows_a_converted_amount_as_the_amount_it_is():
    form = AmountForm({"amount": "30万"})
    html = str(form["amount"])
    assert 'value="300,000.00"' in html and "data-money" in html and 'id="id_amount_preview"' in html
    assert 'type="number"' not in html and 'inputmode="decimal"' in html


@given(amount=amounts)
def test_money_field_reads_back_what_it_shows(amount):
    assert parse_amount(format_yuan(amount)) == amount
    assert parse_amount(f"{format_wan(amount)}万") == amount
    assert AmountForm({"amount": MoneyInput().format_value(amount)}).is_valid()


@pytest.mark.django_db
def test_every_money_input_in_the_portal_is_the_money_field():
    from programs.models import Track

    track = Track.objects.filter(kpis__isnull=False).first()
    forms_with_money = [FinancialYearForm(), BudgetForm(), ApplicationForm(track=track)]
    decimals = {name: field for form in forms_with_money for name, field in form.fields.items()
                if isinstance(field, forms.DecimalField) and not name.startswith("kpi_")}  # KPI targets: counts
    assert set(decimals) == {"sales_revenue", "rd_spend", "ip_spend", "amount", "requested_amount", "matching_funds"}
    assert all(isinstance(field, MoneyField) for field in decimals.values())


@pytest.mark.django_db
def test_profile_financial_year_30_wan_is_saved_as_300000(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    data = edit_data(client, org, **{"fy-0-sales_revenue": "3000万", "fy-0-rd_spend": "30万",
                                     "fy-0-ip_spend": "1.5万"})
    response = client.post(reverse("organisations:edit", args=[org.pk]), data)
    assert response.status_code == 302
    fy = org.financial_years.get()
    assert (fy.sales_revenue, fy.rd_spend, fy.ip_spend) == (Decimal("30000000"), Decimal("300000"), Decimal("15000"))


@pytest.mark.django_db
def test_profile_financial_year_unreadable_amount_names_the_field_and_saves_nothing(client, applicant):
    org = OrganisationFactory(members=[applicant])
    client_for(client, applicant)
    data = edit_data(client, org, **{"fy-0-sales_revenue": "30w", "fy-0-rd_spend": "30万", "fy-0-ip_spend": "0"})
    response = client.post(reverse("organisations:edit", args=[org.pk]), data)
    assert response.status_code == 200
    form = response.context["financial_years"].forms[0]
    assert list(form.errors) == ["sales_revenue"] and form.has_error("sales_revenue", "invalid")
    body = response.content.decode()
    assert 'value="30w"' in body and 'value="300,000.00"' in body
    assert not org.financial_years.exists()


@pytest.mark.django_db
def test_profile_edit_money_boxes_are_text_boxes_with_a_preview(client, applicant):
    org = OrganisationFactory(members=[applicant])
    body = client_for(client, applicant).get(reverse("organisations:edit", args=[org.pk])).content.decode()
    assert 'id="id_fy-0-sales_revenue_preview"' in body
    assert 'name="fy-0-sales_revenue" type="number"' not in body and "js/money.js" in body


def test_money_filters_read_cny_in_english_and_yuan_in_chinese():
    from django.utils import translation

    from core.templatetags.money import wan, yuan

    with translation.override("en"):
        assert yuan(Decimal("300000")) == "CNY 300,000.00"
        assert wan(Decimal("1700000")) == "CNY 1,700,000"
    with translation.override("zh-hans"):
        assert yuan(Decimal("300000")) == "300,000.00 元"
        assert wan(Decimal("1700000")) == "170 万元"
        assert 'data-format="= %(yuan)s 元 = %(wan)s 万元"' in str(AmountForm({"amount": "1"})["amount"])

"""Branded error pages, the favicon, the language menu, lists in each language, and the catalogue's filters."""

import pytest
from django.contrib.staticfiles import finders
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from core.text import join_list
from organisations.models import Region
from programs.models import Program
from tests.conftest import client_for
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [None, "applicant", "other_applicant", "reviewer", "officer", "admin"])
def test_404_page_is_branded_with_a_way_back(request, client, role):
    if role:
        client_for(client, request.getfixturevalue(role))
    response = client.get("/programs/no-such-program/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and f'href="{reverse("home")}"' in body and "favicon.svg" in body


def test_404_page_in_english(client):
    client.cookies["django_language"] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "Page not found" in body and "Back to the start page" in body


def test_403_page_is_branded_with_a_way_back(client, applicant, other_applicant):
    org = OrganisationFactory(members=[applicant, other_applicant])
    client_for(client, other_applicant)  # a plain member may not invite
    response = client.post(reverse("organisations:members", args=[org.pk]), {"username": "x"})
    body = response.content.decode()
    assert response.status_code == 403 and "不允许此操作" in body and f'href="{reverse("home")}"' in body


def test_favicon_is_our_own_svg(client):
    path = finders.find("favicon.svg")
    assert path and open(path, encoding="utf-8").read().startswith("<svg")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/").content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_language_menu_names_each_language_in_its_own_name(client, language):
    client.cookies["django_language"] = language
    body = client.get(reverse("programs:catalogue")).content.decode()
    assert '<option value="zh-hans" lang="zh-hans"' in body and ">简体中文</option>" in body
    assert ">English</option>" in body and "onchange" not in body and "data-submit-on-change" in body


def test_lists_use_commas_in_english_and_enumeration_commas_in_chinese():
    with translation.override("en"):
        assert join_list(["申报书", "营业执照"]) == "申报书, 营业执照"
    with translation.override("zh-hans"):
        assert join_list(["申报书", "营业执照"]) == "申报书、营业执照"


def test_organisation_members_listed_with_the_languages_separator(client, applicant, other_applicant):
    org = OrganisationFactory(members=[applicant, other_applicant])
    body = client_for(client, applicant).get(reverse("organisations:detail", args=[org.pk])).content.decode()
    assert f"{applicant}、{other_applicant}" in body


# ---------------------------------------------------------------- catalogue filters


def test_catalogue_region_filter_offers_only_regions_with_programs(client):
    response = client.get(reverse("programs:catalogue"))
    offered = {code for code, _label in response.context["filter"].form.fields["region"].choices if code}
    offered = {str(getattr(code, "value", code)) for code in offered}
    with_programs = set(Program.objects.values_list("region_id", flat=True))
    assert with_programs <= offered
    for code in offered:  # each offered region holds a program itself or in a region inside it
        assert Program.objects.filter(
            Q(region_id=code) | Q(region__parent_id=code) | Q(region__parent__parent_id=code)).exists()
    assert Region.objects.count() > len(offered)


@pytest.mark.parametrize(
    ("query", "field"),
    [("region=999999", "region"), ("region=%00", "region"), ("year=abc", "year"), ("year=99999999999999999999", "year"),
     ("status=bogus", "status"), ("applicant_type=zz", "applicant_type"), ("level=x", "level")],
)
def test_catalogue_bad_filter_value_says_so(client, query, field):
    response = client.get(reverse("programs:catalogue") + "?" + query)
    body = response.content.decode()
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert "部分筛选条件无法使用" in body and "is-invalid" in body
    assert response.context["page"].paginator.count == Program.objects.count()  # not a silent empty list


def test_catalogue_good_filter_shows_no_warning(client):
    program = Program.objects.order_by("code").first()
    response = client.get(reverse("programs:catalogue") + f"?year={program.year}")
    assert not response.context["filter"].form.errors and "部分筛选条件无法使用" not in response.content.decode()
    assert program in response.context["page"]

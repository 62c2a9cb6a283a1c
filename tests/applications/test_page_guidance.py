"""What the application pages tell each user: the requested-amount help per award rule, breadcrumbs per role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from programs.models import Allocation, AwardMode, Track

pytestmark = pytest.mark.django_db


def make_pool(track, allocation):
    Track.objects.filter(pk=track.pk).update(award_mode=AwardMode.POOL, allocation=allocation,
                                             budget=Decimal("600000"))


def test_requested_amount_help_on_a_pool_by_score_says_the_pool_is_shared_by_score(client, applicant, draft,
                                                                                    nansha):
    make_pool(nansha, Allocation.BY_SCORE)
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert "按评审得分" in page and "600,000" in page
    assert "由主管部门分配" not in page


def test_requested_amount_help_on_a_pool_the_office_shares_says_so(client, applicant, draft, nansha):
    make_pool(nansha, Allocation.OFFICER)
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert "由主管部门分配" in page


@pytest.mark.parametrize("role, target", [("applicant", "applications:mine"),
                                          ("officer", "applications:officer_queue")])
def test_application_breadcrumb_leads_to_the_list_of_the_users_role(client, request, submitted, role, target):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    crumbs = page.split('aria-label="breadcrumb"')[1].split("</nav>")[0]
    assert f'href="{reverse(target)}"' in crumbs
    assert f'href="{reverse("home")}"' not in crumbs


def test_amounts_on_english_pages_read_once_in_yuan_with_cents(client, applicant, submitted):
    client.force_login(applicant)
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "CNY 300,000.00" in page
    assert "(CNY 300,000)" not in page and "CNY 300,000.00 (" not in page
    client.cookies.load({"django_language": "zh-hans"})
    page = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "300,000.00 元（30 万元）" in page


def test_program_page_in_english_shows_the_total_budget_once(client):
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("programs:program", args=["yuexiu-2018-ip-operation-fund-plan"])).content.decode()
    assert "CNY 10,000,000.00" in page and "(CNY 10,000,000" not in page and "CNY 10,000,000 (" not in page

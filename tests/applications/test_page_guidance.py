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

"""paginate_filtered: a page and its total in one query (the filter runs once: a window count), the last page
for a page past the end, an empty first page for no rows; the same rows and total as Django's Paginator."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.pagination import paginate_filtered
from organisations.models import Organisation
from tests.organisations.factories import OrganisationFactory, make_uscc

pytestmark = pytest.mark.django_db


def page_of(number, queryset, per_page=4):
    return paginate_filtered(RequestFactory().get("/", {"page": number, "q": "x"}), queryset, per_page)


@pytest.fixture
def organisations():
    for n in range(10):
        OrganisationFactory(name=f"单位{n:02d}", uscc=make_uscc(300 + n))
    return Organisation.objects.filter(name__startswith="单位").order_by("name", "pk")


@pytest.mark.parametrize("number", [1, 2, 3])
def test_paginate_filtered_lists_what_djangos_paginator_lists_in_one_query(organisations, number):
    with CaptureQueriesContext(connection) as captured:
        page, querystring = page_of(number, organisations)
    assert len(captured) == 1 and "OVER ()" in captured[0]["sql"].upper()
    expected = Paginator(organisations, 4).get_page(number)
    assert [o.pk for o in page.object_list] == [o.pk for o in expected.object_list]
    assert page.paginator.count == 10 and page.paginator.num_pages == 3 and querystring == "q=x"


def test_paginate_filtered_past_the_end_shows_the_last_page(organisations):
    page, _ = page_of(9, organisations)
    assert page.number == 3 and [o.name for o in page.object_list] == ["单位08", "单位09"]
    assert page.paginator.count == 10


def test_paginate_filtered_with_no_rows_is_an_empty_first_page(db):
    with CaptureQueriesContext(connection) as captured:
        page, _ = page_of(1, Organisation.objects.filter(name="无"))
    assert len(captured) == 1 and page.paginator.count == 0 and list(page.object_list) == [] and page.number == 1

"""The portal-default rubric (fixtures/portal-rubric.yaml) reads in the page's language: its criteria carry an
English title and description, loaded from the fixture."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from programs.models import Rubric

pytestmark = pytest.mark.django_db

NANSHA = "nansha-2024-high-value-patent-center"


def test_portal_rubric_fixture_gives_every_criterion_an_english_title_and_description():
    rubric = Rubric.objects.get(is_portal_default=True)
    assert rubric.title_en
    for criterion in rubric.criteria.all():
        assert criterion.title_en and criterion.description_en
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in criterion.title_en + criterion.description_en)


def test_criterion_shows_the_title_of_the_active_language():
    criterion = Rubric.objects.get(is_portal_default=True).criteria.get(seq=1)
    with translation.override("en"):
        assert criterion.display_title == criterion.title_en
        assert criterion.display_description == criterion.description_en
    with translation.override("zh-hans"):
        assert criterion.display_title == criterion.title == "项目方案的科学性与可行性"


def test_track_page_shows_the_portal_rubric_in_english_on_english_pages(client):
    url = reverse("programs:track", args=[NANSHA, "1"])
    assert "项目方案的科学性与可行性" in client.get(url).content.decode()
    client.cookies.load({"django_language": "en"})
    page = client.get(url).content.decode()
    rubric = Rubric.objects.get(is_portal_default=True)
    assert escape(rubric.title_en) in page
    for criterion in rubric.criteria.all():
        assert escape(criterion.title_en) in page and criterion.title not in page
    assert rubric.title not in page

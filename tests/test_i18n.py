import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_i18n_chinese_catalogue_is_complete():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    empty = [e for e in entries if re.search(r'^msgstr(\[0\])? ""\n?$', e.strip() + "\n", re.M)
             and not re.search(r'^msgstr(\[0\])? ""\n"', e, re.M)]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not empty, empty[:3]
    assert not fuzzy, fuzzy[:3]


def test_i18n_every_page_offers_the_language_switch(db):
    body = Client().get(reverse("programs:catalogue")).content.decode()
    assert 'name="language"' in body and 'value="en"' in body and 'value="zh-hans"' in body


def test_i18n_submitted_state_is_not_the_submission_time_heading():
    """"Submitted" is both a column heading (提交时间, when) and a state (已提交): the state labels carry a context."""
    from django.utils import translation

    from milestones.models import ReportState
    from reviews.models import ReviewState

    with translation.override("zh-hans"):
        heading = translation.gettext("Submitted")
        for label in (ReportState.SUBMITTED.label, ReviewState.SUBMITTED.label):
            assert str(label) not in ("Submitted", heading)
        assert translation.gettext("Submitted on") != "Submitted on"


DOUBLED = re.compile(r"[。，、；：！？]{2}|[。；：][.;:]|[.;:][。；：]|(?<!\.)\.\.(?!\.)")


def test_i18n_no_doubled_punctuation_in_the_catalogue():
    """No message reads "。。" (or "，，", "：。", "..", ...): neither a msgid nor its Chinese translation."""
    text = PO.read_text(encoding="utf-8")
    doubled = []
    for entry in text.split("\n\n")[1:]:
        if entry.lstrip().startswith("#~"):
            continue  # obsolete: no longer shown
        strings = "".join(re.findall(r'^(?:msgid|msgid_plural|msgstr(?:\[\d\])?)? ?"(.*)"$', entry, re.M))
        if DOUBLED.search(strings):
            doubled.append(entry)
    assert not doubled, doubled[:3]

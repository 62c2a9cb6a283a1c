"""The benchmark keeps running: its quick mode seeds, times every registered page and prints the table."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from applications.models import Application
from benchmarks import seed
from benchmarks.pages import PAGES
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_benchmark_quick_mode_prints_every_page(officer):
    kept = Application.objects.count(), Organisation.objects.count()
    out = io.StringIO()
    call_command("benchmark", "--quick", stdout=out)
    text = out.getvalue()
    assert "seeded 12 organisations, 60 applications" in text
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    for page in PAGES:
        cells = [c.strip() for c in rows[page.name].split("|")[2:-1]]
        queries, median, sql, render, admin_ms, raw = cells[:6]
        assert int(queries) > 0 and float(median) > 0 and float(sql) > 0
        assert float(admin_ms) > 0 and float(raw) > 0
    # The seeded rows are marked; clearing removes them and nothing else.
    assert Application.objects.filter(reference__startswith=seed.REFERENCE_PREFIX).count() == 60
    call_command("benchmark", "--clear", stdout=io.StringIO())
    assert (Application.objects.count(), Organisation.objects.count()) == kept
    assert not User.objects.filter(username__startswith=seed.USER_PREFIX).exists()
    assert User.objects.filter(pk=officer.pk).exists()


def test_benchmark_seed_covers_every_track_and_state():
    seed.seed(120)
    applications = Application.objects.filter(reference__startswith=seed.REFERENCE_PREFIX)
    from applications.models import Status
    from programs.models import Track

    assert set(applications.values_list("status", flat=True)) == set(Status.values)
    assert applications.values("track").distinct().count() == min(120, Track.objects.count())
    # Withdrawn drafts that were never submitted are part of the data set (officers must not see them).
    assert applications.filter(status=Status.WITHDRAWN, submitted_at__isnull=True).exists()


def test_benchmark_refuses_a_page_filter_matching_nothing():
    with pytest.raises(CommandError, match="No page matches"):
        call_command("benchmark", "--quick", "--only", "no such page", stdout=io.StringIO())

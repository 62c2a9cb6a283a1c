"""Loading all guides: parsed by libyaml, a program's rows read once per program (not once per track), and only
what the guide changed written, so loading the same guides again writes one row per guide."""

import re
from collections import Counter
from decimal import Decimal

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.guide_format import SAFE_LOADER, check_guide, parse_guide
from programs.models import KPI, Program, Track
from tests.conftest import GUIDE_FILES, load_guides

from .test_guide_loader import dump

pytestmark = pytest.mark.django_db

CHILD_TABLES = ("programs_track", "programs_tranche", "programs_kpigroup", "programs_kpi",
                "programs_eligibilityrule", "programs_material")


def _statements(queries) -> Counter:
    found = Counter()
    for query in queries:
        match = re.match(r'\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s.*?"(programs_\w+)"', query["sql"], re.S)
        if match:
            found[(match.group(1), match.group(2))] += 1
    return found


def test_loading_the_guides_again_reads_each_programs_rows_once_and_writes_one_row_per_guide():
    before = dump()
    with CaptureQueriesContext(connection) as captured:
        load_guides()
    statements = _statements(captured.captured_queries)
    guides = len(GUIDE_FILES)
    for table in CHILD_TABLES:
        assert statements[("SELECT", table)] == guides, table  # once per program, whatever its tracks
        assert not [s for s in statements if s[0] != "SELECT" and s[1] == table], table
    assert statements[("UPDATE", "programs_program")] == guides  # a guide yields at least its program
    assert dump() == before
    # It was 1,124; offices.yaml adds one write per office.
    assert len(captured.captured_queries) < 160, len(captured.captured_queries)


def test_loading_a_guide_again_restores_what_the_office_changed_in_its_rows():
    kpi = KPI.objects.filter(track__program__code="nansha-2024-high-value-patent-center", target__isnull=False) \
        .order_by("pk").first()
    target = kpi.target
    KPI.objects.filter(pk=kpi.pk).update(target=target + Decimal("7"))
    Track.objects.filter(pk=kpi.track_id).update(title="改过的标题")
    load_guides()
    kpi.refresh_from_db()
    assert kpi.target == target and Track.objects.get(pk=kpi.track_id).title != "改过的标题"


def test_guides_are_parsed_with_libyaml_and_lines_are_mapped_only_for_a_problem():
    assert SAFE_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = GUIDE_FILES[0].read_text(encoding="utf-8")
    assert check_guide(parse_guide(text), text) == []
    broken = text.replace("\n  year: ", "\n  year: 1899 #", 1)
    [problem] = check_guide(parse_guide(broken), broken)
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if row.startswith("  year: 1899"))
    assert problem.startswith(f"第 {line} 行: program.year"), problem
    assert Program.objects.count() == len(GUIDE_FILES)

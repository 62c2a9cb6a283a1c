"""The five generated PDFs are watched for Chinese drawn as boxes (no CJK font): every renderer is known to
``jobs.pdf_fonts``, WeasyPrint's per-glyph warnings are counted instead of logged, and start-up warns once."""

import os
import re
import subprocess
import sys
from pathlib import Path

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.db import models

from jobs.pdf_fonts import PDF_KINDS

ROOT = Path(settings.BASE_DIR)
NO_CJK_FONTCONFIG = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>"""


def test_pdf_kinds_cover_every_generated_pdf():
    """Each pdf_attempt(rows=Model.objects..., field="...") in the code has a way to be rendered again."""
    calls = set()
    for path in ROOT.glob("*/*.py"):
        text = path.read_text()
        for model, field in re.findall(r'pdf_attempt\(rows=(\w+)\.objects[^\n]*?field="(\w+)"', text):
            calls.add((f"{path.parent.name}.{model.lower()}", field))
    assert calls == set(PDF_KINDS) and len(calls) == 5
    current_app.loader.import_default_modules()
    for (label, field), kind in PDF_KINDS.items():
        model = apps.get_model(label)
        model._meta.get_field(field)
        assert any(isinstance(f, models.FileField) for f in model._meta.get_fields())
        assert kind.task in current_app.tasks


def test_render_without_cjk_font_counts_boxes_logs_no_glyph_warning_and_start_up_warns(tmp_path):
    """In a process whose fontconfig knows no CJK font (as on a machine where its install failed)."""
    config = tmp_path / "fonts.conf"
    config.write_text(NO_CJK_FONTCONFIG.format(cache=tmp_path / "cache"))
    script = (
        "import django, logging; django.setup(); import weasyprint; from django.core import checks;"
        "from jobs.pdf_fonts import cjk_font_available, glyph_watch\n"
        "with glyph_watch() as watch: weasyprint.HTML(string='<p>申报书 abc</p>').write_pdf()\n"
        "logging.getLogger('weasyprint').warning('another warning stays')\n"
        "print(watch.missing, watch.missing_cjk, cjk_font_available(), [m.id for m in checks.run_checks()])"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "ipgrants.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    counts, check_ids = result.stdout.split("[", 1)
    assert counts.split() == ["3", "3", "False"] and "'jobs.W001'" in check_ids
    assert ".notdef" not in result.stderr and "another warning stays" in result.stderr

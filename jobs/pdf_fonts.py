"""Generated PDFs need a CJK font: without one, WeasyPrint draws a box (.notdef) for every Chinese character and
logs one warning per glyph. Each render of the five generated PDFs (application book, reviewer's PDF, approval
notice, task book, acceptance conclusion; all go through ``jobs.retrying.pdf_attempt``) is watched: the per-glyph
warnings are counted instead of logged, and a PDF whose Chinese came out as boxes is recorded
(``PdfWithoutFont``). ``manage.py rerender_pdfs`` (run by ``make run``) queues those again once a CJK font is
installed; a system check warns at start-up while none is."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.db.models import QuerySet

NOTDEF = ".notdef glyph rendered"
_watching = threading.local()


@dataclass
class GlyphWatch:
    missing: int = 0  # glyphs drawn as a box
    missing_cjk: int = 0  # of which CJK ideographs and punctuation


def _is_cjk(code: int) -> bool:
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or code >= 0x20000


class MissingGlyphs(logging.Filter):
    """On the ``weasyprint`` logger: drops the per-glyph ".notdef glyph rendered" warnings (thousands for one
    Chinese PDF) and counts them for the render under way in this thread."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(NOTDEF):
            return True
        watch = getattr(_watching, "watch", None)
        if watch is not None:
            watch.missing += 1
            text = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
            if any(_is_cjk(ord(char)) for char in text):
                watch.missing_cjk += 1
        return False


def install_filters() -> None:
    """Called once from ``JobsConfig.ready()``; fontTools' subsetting chatter is kept to errors too."""
    weasy = logging.getLogger("weasyprint")
    if weasy.getEffectiveLevel() > logging.WARNING:
        weasy.setLevel(logging.WARNING)  # the filter must see the warnings to count them
    if not any(isinstance(f, MissingGlyphs) for f in weasy.filters):
        weasy.addFilter(MissingGlyphs())
    logging.getLogger("fontTools").setLevel(logging.ERROR)


@contextmanager
def glyph_watch() -> Iterator[GlyphWatch]:
    watch, before = GlyphWatch(), getattr(_watching, "watch", None)
    _watching.watch = watch
    try:
        yield watch
    finally:
        _watching.watch = before


@cache
def cjk_font_available() -> bool:
    """Whether fontconfig (which Pango, hence WeasyPrint, uses) knows a font covering Chinese."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


@dataclass(frozen=True)
class PdfKind:
    task: str  # the Celery task that renders it, queued by name
    arguments: Callable  # the row -> the task's keyword arguments


# (model, status field) as pdf_attempt sees them -> how to render that PDF again.
PDF_KINDS: dict[tuple[str, str], PdfKind] = {
    ("applications.application", "pdf_status"): PdfKind(
        "applications.generate_application_pdf", lambda row: {"application_id": row.pk, "version": row.version}),
    ("reviews.dossier", "status"): PdfKind(
        "reviews.generate_dossier", lambda row: {"application_id": row.application_id}),
    ("reviews.award", "notice_status"): PdfKind("reviews.generate_notice", lambda row: {"award_id": row.pk}),
    ("milestones.project", "task_book_status"): PdfKind(
        "milestones.generate_task_book", lambda row: {"project_id": row.pk}),
    ("milestones.acceptance", "conclusion_status"): PdfKind(
        "milestones.generate_conclusion", lambda row: {"acceptance_id": row.pk}),
}
READY = "ready"


def note_render(*, rows: QuerySet, field: str, watch: GlyphWatch) -> None:
    """After a render stored its PDF: record it if its Chinese came out as boxes, else forget an earlier record.
    A render that drew boxes makes the next one in this thread load the fonts again (a font may be installed by
    then; ``core.pdf`` keeps the fonts it loaded)."""
    from core.pdf import forget_fonts

    from .models import PdfWithoutFont

    if watch.missing:
        forget_fonts()
    key = (rows.model._meta.label_lower, field)
    if key not in PDF_KINDS:
        return
    model, _field = key
    for pk in rows.filter(**{field: READY}).values_list("pk", flat=True):
        if watch.missing_cjk:
            PdfWithoutFont.objects.update_or_create(
                model=model, object_id=pk,
                defaults={"missing_glyphs": watch.missing, "font_installed": cjk_font_available()})
        else:
            PdfWithoutFont.objects.filter(model=model, object_id=pk).delete()


def rerender_without_font() -> int:
    """Queue again every PDF made while no CJK font was installed (once one is); the number queued."""
    from django.apps import apps

    from core.background import run_later
    from core.dispatch import task_named

    from .models import PdfWithoutFont

    if not cjk_font_available():
        return 0
    queued = 0
    for record in PdfWithoutFont.objects.filter(font_installed=False).order_by("pk"):
        kind = next((k for (model, _f), k in PDF_KINDS.items() if model == record.model), None)
        row = kind and apps.get_model(record.model).objects.filter(pk=record.object_id).first()
        if row is None:
            record.delete()
            continue
        run_later(task_named(kind.task), **kind.arguments(row))
        queued += 1
    return queued

"""HTML to PDF bytes with WeasyPrint, for every export that makes a PDF (application book, reviewer's PDF,
approval notice, task book, acceptance conclusion).

Rendering never reaches the network (only local files and inline data). The font configuration (fontconfig's
fonts and Pango's font map with its caches of faces, glyph shapes and metrics) is kept for the next render in the
same thread instead of being built again for each PDF: a fresh one reloads every font, and embedding the subset of
the 5 MB CJK font then read it again (0.1–0.2 s of the largest application book's render on the shared machine,
measured with cProfile; a warm font map also shapes text from its caches). That is per thread, as Pango's font
maps are not shared between threads. ``forget_fonts()`` drops it, so that a render after a font was installed
sees the new font (``jobs`` calls it when a render drew a glyph as a box).

Python's cycle collector is paused while WeasyPrint lays the document out: a large book makes millions of small
objects, and each collection on the way walks every object the process holds (about a tenth of the largest
application book's render). The cycles a render leaves are collected after it.

What a render costs is lines and boxes (WeasyPrint 70 on the shared machine: about a millisecond of CPU per laid-out
line, about as much again per one-line table cell or inline <span>), not the stylesheet: a pre-parsed
``weasyprint.CSS`` kept per thread, a smaller stylesheet, separate instead of collapsed borders, no page footer,
blocks instead of tables each changed the largest book by under 5 % (measured, CPU time, interleaved); font
subsetting (HarfBuzz) and compression take about 0.04 and 0.03 s (profiled), so the write options are left as they
are. So the templates keep long texts across the page and short fields on few boxes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

URL_FETCHER = URLFetcher(allowed_protocols={"file", "data"})
_fonts = threading.local()


def font_config() -> FontConfiguration:
    """This thread's font configuration, made on first use."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def forget_fonts() -> None:
    """The next render in this thread loads the fonts again (as fontconfig then lists them)."""
    _fonts.config = None


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Process-wide: a render that finds it paused (by another thread's render) leaves it to that one to resume."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(html: str) -> bytes:
    with _cycle_collection_paused():
        return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=URL_FETCHER).write_pdf(
            font_config=font_config())


def render_pdf(template: str, context: dict) -> bytes:
    """``template`` rendered with ``context`` in the portal's language (``settings.LANGUAGE_CODE``: a PDF is a
    document filed with the office, whoever asks for it), as PDF bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return html_to_pdf(html)

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

Counted with callgrind (instructions of one warm render, the same on every run: CPU times of one render varied
1.2–2.0 s on the shared machine), the largest book took 5.50 G instructions (issue 17, WeasyPrint 70): 55 % in
CPython (WeasyPrint's layout and drawing code), 18 % in Pango and HarfBuzz, 3.5 % each in font subsetting and zlib.
It lays out about 1,320 lines; for each line of Chinese WeasyPrint shapes a look-ahead of four lines (4 × width /
font size characters; a Chinese character is a whole em wide), then the line again, then again to draw it: 224,000
characters shaped for 43,000 printed. The templates took off 4.5 % (5.50 → 5.26 G): the footer's margin boxes with
fixed widths (-1.6 %: WeasyPrint otherwise measured both boxes on every page, the page counter once per character),
the plan line by line (-1.4 %: WeasyPrint encodes the whole text of a box again for every line; the plan was one box
of 6,000 characters) and a file's block allowed to break like a paragraph (-1.6 %, 27 → 26 pages: kept whole, a long
name that did not fit was laid out on one page and then on the next). The plan's ``text-align: justify`` went as a
no-op (WeasyPrint justifies only text whose spaces collapse, never pre-wrap text: same pixels without it). Measured
and left: cells without ``overflow-wrap: anywhere`` (-0.9 %, but typed text in a cell can hold a long code or
address), the reference as a literal instead of ``string(reference)`` (-0.2 %), 18 mm side margins (-1.4 %),
line-height 1.45 (-1.9 %), no footer at all (-3 % more); ``font-kerning: none`` cost 2 % more (a font-feature list
on every Pango layout). What is left is WeasyPrint's own work per line and glyph: the book's 1 s goal is out of the
templates' reach.
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

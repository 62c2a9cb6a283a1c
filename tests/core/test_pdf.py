"""core.pdf: HTML to PDF bytes, the fonts loaded once per thread and loaded again on demand."""

import gc
import io
import threading

import pypdf
import weasyprint

from core import pdf


def test_html_to_pdf_keeps_the_font_configuration_for_the_next_render_in_the_thread():
    first = pdf.html_to_pdf("<p>申报书 abc</p>")
    config = pdf.font_config()
    second = pdf.html_to_pdf("<p>任务书</p>")
    assert pdf.font_config() is config
    assert "申报书" in pypdf.PdfReader(io.BytesIO(first)).pages[0].extract_text()
    assert "任务书" in pypdf.PdfReader(io.BytesIO(second)).pages[0].extract_text()


def test_font_configuration_is_the_thread_s_own():
    mine, theirs = pdf.font_config(), []
    thread = threading.Thread(target=lambda: theirs.append(pdf.font_config()))
    thread.start()
    thread.join()
    assert theirs[0] is not mine and pdf.font_config() is mine


def test_forget_fonts_loads_them_again_for_the_next_render():
    config = pdf.font_config()
    pdf.forget_fonts()
    assert pdf.font_config() is not config
    assert "申报书" in pypdf.PdfReader(io.BytesIO(pdf.html_to_pdf("<p>申报书</p>"))).pages[0].extract_text()


def test_html_to_pdf_pauses_cycle_collection_only_while_it_renders(monkeypatch):
    seen = []
    real = weasyprint.HTML

    class Watched(real):
        def write_pdf(self, *args, **kwargs):
            seen.append(gc.isenabled())
            return super().write_pdf(*args, **kwargs)

    monkeypatch.setattr("weasyprint.HTML", Watched)
    assert gc.isenabled()
    assert pdf.html_to_pdf("<p>申报书</p>").startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()

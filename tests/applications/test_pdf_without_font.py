"""A PDF rendered while no CJK font was installed (its Chinese drawn as boxes) is recorded, and rendered again by
``manage.py rerender_pdfs`` once a font is there; the per-glyph warnings stay out of the log."""

import io
import logging

import pypdf
import pytest
from django.core.management import call_command

from applications import services
from applications.models import Application, PdfStatus
from core.pdf import font_config
from jobs.models import PdfWithoutFont


@pytest.fixture
def no_cjk_font(monkeypatch):
    """The renderer as it behaves without a CJK font: WeasyPrint warns once for each Chinese character it draws as
    a box (the warning is its own, word for word)."""
    import applications.exports

    real = applications.exports.application_pdf

    def without_font(application, **kwargs):
        for char in "申报书":
            logging.getLogger("weasyprint").warning(
                '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)', char, ord(char))
        return real(application, **kwargs)

    monkeypatch.setattr(applications.exports, "application_pdf", without_font)
    monkeypatch.setattr("jobs.pdf_fonts.cjk_font_available", lambda: False)


def _fonts(application) -> set[str]:
    with application.pdf_file.open("rb") as stored:
        reader = pypdf.PdfReader(io.BytesIO(stored.read()))
    return {str(font.get_object()["/BaseFont"])
            for page in reader.pages for font in page["/Resources"]["/Font"].values()}


def test_application_pdf_rendered_without_cjk_font_is_recorded_without_glyph_warnings(no_cjk_font, submitted,
                                                                                        caplog):
    fonts = font_config()
    with caplog.at_level(logging.WARNING):
        services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    submitted.refresh_from_db()
    assert submitted.pdf_status == PdfStatus.READY
    assert font_config() is not fonts  # the next render loads the fonts again: one may be installed by then
    record = PdfWithoutFont.objects.get(model="applications.application", object_id=submitted.pk)
    assert (record.missing_glyphs, record.font_installed) == (3, False)
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]


def test_rerender_pdfs_renders_again_once_a_font_is_installed(no_cjk_font, submitted, inline_tasks, monkeypatch,
                                                              capsys):
    services.application_render_pdf(application_id=submitted.pk, version=submitted.version)
    call_command("rerender_pdfs")  # still no font: nothing queued, and it says why
    assert "No CJK font is installed: 1 PDF(s)" in capsys.readouterr().err
    assert PdfWithoutFont.objects.filter(font_installed=False).count() == 1

    monkeypatch.undo()  # the font is installed now
    monkeypatch.setattr("jobs.pdf_fonts.cjk_font_available", lambda: True)
    call_command("rerender_pdfs")
    assert "Queued 1 PDF(s)" in capsys.readouterr().out
    application = Application.objects.get(pk=submitted.pk)
    assert application.pdf_status == PdfStatus.READY and application.pdf_version == submitted.version
    assert not PdfWithoutFont.objects.exists()
    assert any("WenQuanYi" in name or "Noto" in name for name in _fonts(application))

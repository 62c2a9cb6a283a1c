"""A guide's text from the file an admin has: plain text (UTF-8 or GB18030), a Word file (.docx) or a PDF with a
text layer. Word is read from its XML (paragraphs in order), PDFs with pypdf; no external service."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = ("text", "docx", "pdf")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def kind_of(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".docx"):
        return "docx"
    if lowered.endswith(".pdf"):
        return "pdf"
    return "text"


def read_text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor GB18030 text; save it as UTF-8 text and upload it again."),
                          code="encoding")


def read_docx(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("word/document.xml")
        root = ElementTree.fromstring(xml)  # noqa: S314 (the standard library's expat refuses entity expansion attacks)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise ValidationError(_("The file is not a Word document (.docx); save it as .docx, text or PDF."),
                              code="docx") from exc
    lines = []
    for paragraph in root.iter(f"{W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W}tab":
                parts.append("\t")
        lines.append("".join(parts))
    return "\n".join(lines)


def read_pdf(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, OSError) as exc:
        raise ValidationError(_("The file is not a readable PDF; upload the guide as text, Word or PDF."),
                              code="pdf") from exc
    if not text.strip():
        raise ValidationError(_("This PDF has no text layer (it is a scan); upload the guide as text or Word."),
                              code="pdf_scan")
    return text


def read_document(content: bytes, kind: str) -> str:
    """The guide's text; a ValidationError saying what to do when the file cannot be read."""
    text = {"docx": read_docx, "pdf": read_pdf}.get(kind, read_text)(content)
    if not text.strip():
        raise ValidationError(_("The file holds no text; upload the guide's text, Word file or PDF."), code="empty")
    return text

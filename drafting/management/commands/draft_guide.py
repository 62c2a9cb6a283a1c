from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drafting.documents import kind_of, read_document
from drafting.draft import count_notes, draft_guide, draft_yaml


class Command(BaseCommand):
    help = "Draft a guide fixture from a guide's text (text, Word or PDF); every drafted fact notes its sentence."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="GUIDE")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--docx", action="store_const", const="docx", dest="kind", help="the guide is a Word file")
        kind.add_argument("--pdf", action="store_const", const="pdf", dest="kind", help="the guide is a text PDF")
        parser.add_argument("-o", "--output", metavar="OUT.yaml", help="write the draft here (default: stdout)")

    def handle(self, *args, path: str, kind: str | None, output: str | None, **options):
        source = Path(path)
        try:
            content = source.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(_("%(path)s: file not found; check the path") % {"path": path}) from exc
        try:
            text = read_document(content, kind or kind_of(source.name))
        except ValidationError as exc:
            raise CommandError(f"{path}: {' '.join(exc.messages)}") from exc
        document = draft_guide(text, source_file=source.name)
        out = draft_yaml(document)
        if output:
            Path(output).write_text(out, encoding="utf-8")
        else:
            self.stdout.write(out)
        counts = count_notes(document)
        self.stderr.write(_("%(path)s: %(recognised)s facts recognised, %(guessed)s guessed, %(person)s need a person "
                            "(validate_guide names them)") % {"path": path, "recognised": counts["recognised"],
                                                             "guessed": counts["guessed"],
                                                             "person": counts["needs_person"]})

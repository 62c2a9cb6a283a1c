from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from programs.guide_format import GuideFormatError, check_guide, parse_guide


class Command(BaseCommand):
    help = "Check guide fixtures before loading them; name each problem with its place."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths: list[str], **options):
        failed = 0
        for raw in paths:
            path = Path(raw)
            try:
                text = path.read_text(encoding="utf-8")
                problems = check_guide(parse_guide(text), text)
            except FileNotFoundError:
                problems = [_("file not found; check the path")]
            except UnicodeDecodeError:
                problems = [_("the file is not UTF-8 text; save it as UTF-8")]
            except GuideFormatError as exc:
                problems = exc.problems
            if problems:
                failed += 1
                self.stderr.write(f"{path}:")
                for problem in problems:
                    self.stderr.write(f"  {problem}")
            else:
                self.stdout.write(_("%(path)s: valid") % {"path": path})
        if failed:
            raise CommandError(_("%(count)s guide file(s) have problems; nothing was loaded.") % {"count": failed})

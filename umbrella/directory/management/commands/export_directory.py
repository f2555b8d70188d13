"""``manage.py export_directory --format hsds|geojson|csv [--lang fr] [--output FILE]``."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from umbrella.directory import exports


class Command(BaseCommand):
    help = (
        "Write the directory as open data: HSDS-shaped JSON (all content languages unless "
        "--lang), GeoJSON or CSV of places (in --lang, default en). Confidential locations "
        "export only their municipality. Each file carries its licence and attribution."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["hsds", "geojson", "csv"], default="hsds")
        parser.add_argument("--lang", default="", help="nl, fr, en, ro, bg, es or pt.")
        parser.add_argument("--output", "-o", default="", help="A file; standard output if absent.")

    def handle(self, *args, **options):
        lang = options["lang"]
        if lang and lang not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"Unknown language {lang!r}.")
        fmt = options["format"]
        with translation.override(lang or "en"):
            if fmt == "hsds":
                text = exports.dumps(exports.hsds(lang or None))
            elif fmt == "geojson":
                text = exports.dumps(exports.geojson(lang or "en"))
            else:
                text = exports.csv_text(lang or "en")
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

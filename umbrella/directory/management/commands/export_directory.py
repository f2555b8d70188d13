"""``manage.py export_directory --format hsds|geojson|csv [--lang fr] [--output FILE|DIR]``."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from umbrella.core.translation import CONTENT_LANGUAGES
from umbrella.directory import exports
from umbrella.directory.hsds import exports as hsds


class Command(BaseCommand):
    help = (
        "Write the directory as open data: HSDS 3.0 JSON (text in --lang; without --lang, "
        "--output names a directory that gets one file per content language: "
        "umbrella-hsds-nl.json, -fr, -en), GeoJSON or CSV of places (in --lang, default en). "
        "Confidential locations export only their municipality. Each file carries its "
        "licence and attribution."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["hsds", "geojson", "csv"], default="hsds")
        parser.add_argument("--lang", default="", help="nl, fr, en, ro, bg, es or pt.")
        parser.add_argument(
            "--output",
            "-o",
            default="",
            help="A file (standard output if absent); for HSDS without --lang, a directory.",
        )

    def handle(self, *args, **options):
        lang, fmt, output = options["lang"], options["format"], options["output"]
        if lang and lang not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"Unknown language {lang!r}.")
        if fmt == "hsds" and not lang:
            self._hsds_per_language(output)
            return
        with translation.override(lang or "en"):
            if fmt == "hsds":
                text = exports.dumps(hsds.document(lang))
            elif fmt == "geojson":
                text = exports.dumps(exports.geojson(lang or "en"))
            else:
                text = exports.csv_text(lang or "en")
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def _hsds_per_language(self, output: str) -> None:
        """Write one HSDS file per content language into the directory ``output``."""
        if not output:
            raise CommandError(
                "HSDS 3.0 text is in one language: give --lang, or --output DIRECTORY "
                "for one file per content language (nl, fr, en)."
            )
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{output} is a file: without --lang, --output names a directory.")
        directory.mkdir(parents=True, exist_ok=True)
        for lang in CONTENT_LANGUAGES:
            target = directory / f"umbrella-hsds-{lang}.json"
            target.write_text(exports.dumps(hsds.document(lang)), encoding="utf-8")
            self.stdout.write(str(target))

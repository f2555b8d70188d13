"""``manage.py import_toilets FILE [--format auto|brussels|osm]``: upsert public toilets."""

from django.core.management.base import BaseCommand, CommandError

from umbrella.areas.locate import GeographyNotLoaded
from umbrella.directory.importers import FORMATS, ImportFileError, import_toilets


class Command(BaseCommand):
    help = (
        "Import public toilets and urinals from the City of Brussels' open-data JSON export "
        "(toilettes_publiques_vbx, urinoirs-publics-vbx) or an OpenStreetMap Overpass JSON "
        "answer (amenity=toilets). Idempotent: rows are matched by source and source id. "
        "Each bad row is reported and the import carries on."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file to import.")
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            help="brussels (open-data export), osm (Overpass JSON), or auto (default: "
            "a file with 'elements' is Overpass).",
        )

    def handle(self, *args, **options):
        try:
            # The bar redraws one line with "\r": it writes to the stream under
            # OutputWrapper, which would end every write with a newline.
            report = import_toilets(
                options["file"], options["format"], progress_stream=self.stderr._out
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        except GeographyNotLoaded as error:
            raise CommandError(
                "The Brussels geography is not loaded: run manage.py load_brussels first."
            ) from error
        for problem in report.bad:
            self.stderr.write(f"Skipped {problem}")
        for problem in report.warnings:
            self.stderr.write(f"Imported {problem}")
        self.stdout.write(self.style.SUCCESS(report.summary()))

"""``manage.py load_brussels``: load or refresh the shipped Brussels geography."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from umbrella.areas.actions import GeographyFileError, default_data_path, load_brussels


class Command(BaseCommand):
    help = (
        "Load the police zones, municipalities and neighbourhoods of the Brussels-Capital "
        "Region from GeoJSON files. Safe to run again: rows are matched by code."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help=f"Folder holding the three .geojson files (default: {default_data_path()}).",
        )

    def handle(self, *args, path=None, **options):
        try:
            results = load_brussels(path)
        except GeographyFileError as error:
            raise CommandError(str(error)) from error
        for layer, counts in results.items():
            line = (
                f"{layer}: {counts.total} ({counts.created} created, "
                f"{counts.updated} updated, {counts.unchanged} unchanged)"
            )
            self.stdout.write(self.style.SUCCESS(line) if options["verbosity"] else line)
            if counts.stale:
                self.stderr.write(
                    self.style.WARNING(
                        f"{layer}: kept {len(counts.stale)} row(s) that the files no longer "
                        f"contain: {', '.join(counts.stale)}"
                    )
                )

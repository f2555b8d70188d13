"""``manage.py load_training``: load new or newer training courses from their TOML files,
and seed the public services the training is for (the 19 OCMW/CPAS and Actiris)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from umbrella.training.courses.content_loader import (
    CONTENT_DIR,
    ContentError,
    course_directories,
    load_course,
)
from umbrella.training.seeds import load_courses, load_public_services


class Command(BaseCommand):
    help = (
        "Load the training courses from umbrella/training/content that are new or carry a "
        "newer content version (a course deleted from the database stays deleted), and "
        "create the OCMW/CPAS and Actiris organisations this seed never placed. Named "
        "course directories are reloaded in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directories",
            nargs="*",
            help=(
                "Course directories to load (default: every course in "
                "umbrella/training/content, then the OCMW/CPAS and Actiris organisations)."
            ),
        )

    def handle(self, *args, directories, **options):
        if directories:
            # The author's reload: the named courses, from their files, in place.
            for path in map(Path, directories):
                try:
                    result = load_course(path)
                except ContentError as error:
                    raise CommandError(str(error)) from error
                self._report(result)
            return
        if not course_directories(CONTENT_DIR):
            raise CommandError(f"No course directory (with a course.toml) in {CONTENT_DIR}.")
        try:
            courses = load_courses()
            seeded = load_public_services()
        except (ContentError, LookupError) as error:
            raise CommandError(str(error)) from error
        for result in courses.loaded:
            self._report(result)
        for slug in courses.unchanged:
            self.stdout.write(f"{slug}: unchanged (the database has this content version).")
        for slug in courses.deleted:
            self.stdout.write(f"{slug}: deleted from the database, left out.")
        self.stdout.write(
            f"Public services: {len(seeded.created)} created, {len(seeded.existing)} already "
            f"there (left as they are), {len(seeded.linked)} directory entries linked."
        )

    def _report(self, result) -> None:
        self.stdout.write(
            f"{result.course.slug}: {len(result.created)} created, "
            f"{len(result.updated)} updated, {len(result.retired)} retired."
        )

"""``manage.py load_training``: load (or update) the training courses from their TOML files,
and seed the public services the training is for (the 19 OCMW/CPAS and Actiris)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from umbrella.training.content_loader import (
    CONTENT_DIR,
    ContentError,
    course_directories,
    load_course,
)
from umbrella.training.seeds import load_public_services


class Command(BaseCommand):
    help = (
        "Load the training courses from umbrella/training/content (idempotent, updates by "
        "slug) and create the OCMW/CPAS and Actiris organisations that are missing."
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
        paths = [Path(d) for d in directories] or course_directories(CONTENT_DIR)
        if not paths:
            raise CommandError(f"No course directory (with a course.toml) in {CONTENT_DIR}.")
        for path in paths:
            try:
                result = load_course(path)
            except ContentError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"{result.course.slug}: {len(result.created)} created, "
                f"{len(result.updated)} updated, {len(result.retired)} retired."
            )
        if directories:
            # Only the courses named were asked for.
            return
        try:
            seeded = load_public_services()
        except LookupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Public services: {len(seeded.created)} created, {len(seeded.existing)} already "
            f"there (left as they are), {len(seeded.linked)} directory entries linked."
        )

"""``manage.py deploy``: bring the database and the install up to this release, safely, again.

Migrate; run each app's seeds whose version has not run yet (``core/seeding.py``:
each row a seed ever placed is never re-created or overwritten); compile the
translations; collect the static files when they are served with hashed names;
create the VAPID keys once. ``make setup`` calls it; run it once per release,
from one machine, before the new processes start.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from umbrella.core import seeding

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


class Command(BaseCommand):
    help = (
        "Migrate, run each seed version once (never re-creating or overwriting what staff "
        "changed), compile translations, collect static files when needed and create the "
        "VAPID keys once. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-translations",
            action="store_true",
            help="Do not compile the translation catalogues (they are compiled already).",
        )

    def handle(self, *args, skip_translations=False, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        for seed in seeding.registered_seeds():
            if seeding.has_run(seed):
                if verbosity > 1:
                    self.stdout.write(f"seed {seed.name} {seed.version}: applied before")
                continue
            summary = seeding.apply(seed)
            self.stdout.write(f"seed {seed.name} {seed.version}: {summary}")
        if not skip_translations:
            call_command(
                "compilemessages",
                ignore_patterns=[".venv", "node_modules", "var"],
                verbosity=max(verbosity - 1, 0),
            )
        if settings.STORAGES["staticfiles"]["BACKEND"] == MANIFEST_STORAGE:
            call_command("collectstatic", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("vapid_keys", verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("Deployed."))

"""``manage.py restore FILE``: an archive of ``manage.py backup`` into an empty install."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from umbrella.core.backup import BackupError, read_keys, restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into this install, which must be "
        "empty (a new var/ or SQLITE_PATH, or a new PostgreSQL database): the database, the "
        "keys and the media. The whole archive is checked before anything is written. "
        "Needs the BACKUP_PASSPHRASE it was made with (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore over a database or media folder that is not empty, replacing them.",
        )
        parser.add_argument(
            "--show-keys",
            action="store_true",
            help="Print the archive's keys (JSON) and restore nothing: for an install that "
            "takes its keys from the environment.",
        )

    def handle(self, *args, file, force, show_keys, **options):
        started = time.monotonic()
        try:
            if show_keys:
                self.stdout.write(json.dumps(read_keys(file), indent=1))
                return
            result = restore(file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {result.created_at}: {result.engine} database, keys, "
                f"{result.media_files} media file(s) in {time.monotonic() - started:.1f} s. "
                "Next: `manage.py deploy` (migrations of a newer release), then start the "
                "processes."
            )
        )

"""``manage.py backup FILE``: an encrypted archive the ``restore`` command reads back."""

import time

from django.core.management.base import BaseCommand, CommandError

from umbrella.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write an encrypted archive of this install to FILE: a consistent copy of the "
        "database (SQLite's backup API, or pg_dump), the encryption, secret and VAPID keys, "
        "and the media files. Needs BACKUP_PASSPHRASE (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the archive (replaced if it exists).")

    def handle(self, *args, file, **options):
        started = time.monotonic()
        try:
            result = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {result.path}: {result.engine} database, keys, "
                f"{result.media_files} media file(s); {result.size / 1e6:.1f} MB encrypted "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

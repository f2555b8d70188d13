"""Create the Web Push (VAPID) key pair in var/vapid.json unless the environment has one."""

from django.core.management.base import BaseCommand

from umbrella.notify.vapid import ensure_keys, vapid_public_key


class Command(BaseCommand):
    help = (
        "Make sure VAPID keys exist: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY from the environment, "
        "else var/vapid.json (created once, never overwritten)."
    )

    def handle(self, *args, **options):
        source, created = ensure_keys()
        if created:
            self.stdout.write(f"Created VAPID keys in {source}")
        elif options["verbosity"] > 1:
            self.stdout.write(f"VAPID keys from {source}")
        if options["verbosity"] > 1:
            self.stdout.write(f"Public key: {vapid_public_key()}")

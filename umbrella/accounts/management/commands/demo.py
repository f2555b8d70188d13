import argparse
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from umbrella.accounts.demo import ACCOUNTS, DEFAULT_ESCALATE_AFTER, create_demo


def positive_int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Create or reset the demo accounts (demo-worker, demo-responder, …), all with "
        "one password. Refuses to run on a production install (UMBRELLA_ENV=production) "
        "unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password of every demo account (default: a random one)."
        )
        parser.add_argument(
            "--escalate-after",
            type=positive_int,
            default=DEFAULT_ESCALATE_AFTER,
            metavar="SECONDS",
            help=(
                "Seconds without acknowledgement before demo-worker's alarm escalates to "
                f"demo-outreach (default {DEFAULT_ESCALATE_AFTER})."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Run even on a production install (demo accounts have known passwords and no 2FA)."
            ),
        )

    def handle(self, *args, password=None, escalate_after, force, **options):
        # A local install runs with DEBUG off too (`make run`); what must never
        # get demo accounts is a production one.
        if settings.PRODUCTION and not force:
            raise CommandError(
                "UMBRELLA_ENV=production: demo accounts have a shared password and no "
                "two-step verification. Refusing to create them; pass --force if you "
                "really mean it."
            )
        if password is not None and not password.strip():
            raise CommandError("--password must not be empty.")
        try:
            escalate_after = positive_int(escalate_after)
        except argparse.ArgumentTypeError as error:
            raise CommandError(f"--escalate-after {error}") from None
        password = password or secrets.token_urlsafe(12)
        result = create_demo(password, escalate_after)
        for username in ACCOUNTS:
            state = "created" if username in result.created else "reset"
            self.stdout.write(f"  {username:<20} {result.users[username].role:<22} {state}")
        self.stdout.write(f"Demo password: {password}")
        self.stdout.write(f"Escalation after: {result.escalate_after} seconds")
        if result.device_key:
            self.stdout.write(
                "Demo room button (test mode): curl -X POST "
                f"{settings.SITE_URL}/api/v1/alarms/device/{result.device_key}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(result.users)} demo accounts ready."))

"""``manage.py issue_enrolment_code USERNAME``: a one-time code to set up two-step verification."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from umbrella.accounts import enrolment
from umbrella.accounts.models import User


class Command(BaseCommand):
    help = "Issue a one-time code with which a staff member sets up two-step verification."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"Nobody is called {username!r}.") from None
        if not user.requires_two_factor():
            raise CommandError(f"{user.username} does not use two-step verification.")
        code, text = enrolment.issue_enrolment_code(user, timezone.now())
        self.stdout.write(
            f"Enrolment code for {user.username}: {text}\n"
            f"Valid until {timezone.localtime(code.expires_at):%Y-%m-%d %H:%M}, once. "
            f"Give it to them in person or by phone; they enter it after signing in at "
            f"{settings.SITE_URL}/."
        )

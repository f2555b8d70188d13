from django.core.management.base import BaseCommand, CommandError

from umbrella.reports.seeds import load_reports


class Command(BaseCommand):
    help = (
        "Seed the reports routing matrix: bodies for the 19 municipalities and 6 police zones, "
        "regional services, support organisations, victim-support centres, the categories, "
        "their routing rules and the anti-targeting guard's word lists. Idempotent: creates "
        "what is missing, never overwrites."
    )

    def handle(self, *args, **options):
        try:
            result = load_reports()
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Reports: {len(result.bodies_created)} bodies, "
            f"{len(result.categories_created)} categories, {result.rules_created} routing rules "
            f"and {result.terms_created} guard terms created; the rest was already there."
        )

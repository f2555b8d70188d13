from django.core.management.base import BaseCommand, CommandError

from umbrella.directory.seeds import load_directory


class Command(BaseCommand):
    help = (
        "Seed the directory with the organisations of docs/domain.md (Espace P, UTSOPI, Alias, "
        "Isala, PAG-ASA, Médecins du Monde, Actiris, the 19 OCMW/CPAS). Idempotent: "
        "creates what is missing, never overwrites."
    )

    def handle(self, *args, **options):
        try:
            result = load_directory()
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Directory: {len(result.created)} organisations created, "
            f"{len(result.existing)} already there (left as they are)."
        )

"""``manage.py load_consultation``: the resolution's recommendations and the municipal rules."""

from django.core.management.base import BaseCommand

from umbrella.consultation import seeds


class Command(BaseCommand):
    help = (
        "Load the recommendations reported from the resolution and the 19 municipalities' "
        "known rules on sex work (docs/domain.md). Idempotent: creates what is missing, never "
        "overwrites an edited row."
    )

    def handle(self, *args, **options):
        counts = seeds.load()
        self.stdout.write(
            "Created {recommendations} recommendations, {indicator_links} indicator links, "
            "{municipalities} municipalities and {rules} rules.".format(**counts)
        )

"""The consultation app's seed, discovered by ``manage.py deploy`` (``core/seeding.py``).

One seed, ``consultation``: the recommendations of the tracker
(``tracker/seeds.py``) and the municipal rules (``rules/seeds.py``), from the
facts in docs/domain.md only.

``load()`` places each row once: it never overwrites, re-creates or renames
back a row people edited or deleted, indicator links included; a new seed
version adds only its new rows.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from umbrella.consultation.rules.seeds import load_rules
from umbrella.consultation.tracker.models import Recommendation
from umbrella.consultation.tracker.seeds import RECOMMENDATIONS, load_recommendations
from umbrella.core.seeding import Ledger, register_seed

SEED = "consultation"
# Raise when RECOMMENDATIONS (tracker/seeds.py) or RULES (rules/seeds.py) gain rows: a new
# version adds only its new keys.
VERSION = "2"


def _seeded_before() -> bool:
    return Recommendation.objects.filter(slug__in=[s.slug for s in RECOMMENDATIONS]).exists()


@transaction.atomic
def load(now=None) -> dict[str, int]:
    """Create every row of the seed that it never placed; return counts of what was created.

    A row placed before is never overwritten or re-created (``core/seeding.py``):
    what staff edited or deleted stands.
    """
    ledger = Ledger(SEED, adopt_if=_seeded_before)
    now = now or timezone.now()
    return {**load_recommendations(ledger, now), **load_rules(ledger)}


@register_seed(SEED, version=VERSION)
def seed_consultation() -> str:
    return (
        "Consultation: created {recommendations} recommendations, {indicator_links} indicator "
        "links, {municipalities} municipalities and {rules} rules.".format(**load())
    )

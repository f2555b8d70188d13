"""The seeded routing matrix (``matrix.py``: bodies, categories, routing rules) and the
guard's word lists, and ``load_reports()``, which places them.

``load_reports()`` places each row once (``core/seeding.py``): it never
overwrites, renames back or re-creates what operators changed or deleted in
the admin (a routing rule, a guard term or a body included). Contacts (e-mail addresses, webhooks)
are not seeded: no real address is known here; operators add them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from umbrella.areas.models import Municipality, PoliceZone
from umbrella.core.seeding import Ledger, register_seed
from umbrella.reports.matrix import (
    CATEGORIES,
    NAMED_BODIES,
    CategorySeed,
    municipality_body_names,
    zone_body_names,
)
from umbrella.reports.models import (
    Body,
    BodyKind,
    Category,
    GuardTerm,
    GuardTermKind,
    RoutingRule,
)

# The guard's word lists. Matching folds case and accents; "*" matches any ending.
GUARD_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    GuardTermKind.PERSON: {
        "en": (
            "prostitut*",
            "hooker*",
            "whore*",
            "streetwalker*",
            "working girls",
            "sex worker*",
            "sexworker*",
            "call girl*",
            "soliciting",
        ),
        "fr": (
            "prostitu*",
            "pute*",
            "putain*",
            "tapineu*",
            "racol*",
            "filles de joie",
            "travailleuse* du sexe",
            "travailleur* du sexe",
            "catin*",
        ),
        "nl": (
            "prostitue*",
            "hoer*",
            "tippelaarster*",
            "tippelaar*",
            "sekswerker*",
            "raamprostitu*",
            "lichte meisjes",
        ),
        "es": ("prostituta*", "puta*"),
        "pt": ("prostituta*", "puta*"),
        "ro": ("prostituat*", "curv*"),
        "bg": ("проститутк*", "курв*"),
    },
    GuardTermKind.PRESENCE: {
        "en": (
            "get rid of",
            "remove",
            "removed",
            "go away",
            "chase*",
            "kick out",
            "kick them out",
            "ban",
            "banned",
            "presence",
            "too many",
            "loiter*",
            "hanging around",
            "standing around",
            "don't want",
            "do not want",
            "shouldn't be here",
            "should not be here",
            "always there",
            "everywhere",
            "disgust*",
            "shame*",
            "no place here",
            "not welcome",
        ),
        "fr": (
            "debarrasser",
            "degager",
            "virer",
            "chasser",
            "interdire",
            "presence",
            "trop de",
            "trainent",
            "trainer",
            "partout",
            "toujours la",
            "il y a toujours",
            "on ne veut pas",
            "ne veux plus",
            "degout*",
            "honte*",
            "rien a faire ici",
            "n'ont rien a faire",
        ),
        "nl": (
            "weg met",
            "wegjagen",
            "verwijderen",
            "verjagen",
            "verbieden",
            "aanwezigheid",
            "te veel",
            "rondhangen",
            "hangen rond",
            "overal",
            "altijd daar",
            "willen we niet",
            "walg*",
            "schande*",
            "horen hier niet",
            "moeten weg",
        ),
    },
    GuardTermKind.ALWAYS: {
        "en": (
            "get rid of the prostitutes",
            "get rid of the hookers",
            "no more prostitutes",
            "ban prostitution",
            "prostitutes out",
        ),
        "fr": (
            "virer les putes",
            "degager les prostituees",
            "chasser les prostituees",
            "plus de prostituees",
            "dehors les prostituees",
        ),
        "nl": ("weg met de hoeren", "hoeren weg", "prostituees weg", "weg met de prostituees"),
    },
}


SEED = "reports"
# Raise when the lists above gain rows: a new version adds only its new keys.
VERSION = "1"


@dataclass
class SeedResult:
    bodies_created: list[str] = field(default_factory=list)
    categories_created: list[str] = field(default_factory=list)
    rules_created: int = 0
    terms_created: int = 0


def _seeded_before() -> bool:
    return Category.objects.filter(code__in=[seed.code for seed in CATEGORIES]).exists()


def _body(ledger: Ledger, result: SeedResult, key: str, find, create) -> Body | None:
    body = ledger.ensure(f"body:{key}", find, create)
    if body is not None and f"body:{key}" in ledger.created:
        result.bodies_created.append(body.code)
    return body


def _place_bodies(ledger: Ledger, result: SeedResult, municipalities, zones) -> dict:
    for m in municipalities:
        _body(
            ledger,
            result,
            f"municipality-{m.nis_code}",
            lambda m=m: Body.objects.filter(kind=BodyKind.MUNICIPALITY, municipality=m).first(),
            lambda m=m: Body.objects.create(
                code=f"municipality-{m.nis_code}",
                kind=BodyKind.MUNICIPALITY,
                municipality=m,
                police_zone=m.police_zone,
                **_translated("name", municipality_body_names(m)),
            ),
        )
    for zone in zones:
        _body(
            ledger,
            result,
            f"zone-{zone.code}",
            lambda z=zone: Body.objects.filter(kind=BodyKind.POLICE_ZONE, police_zone=z).first(),
            lambda z=zone: Body.objects.create(
                code=f"zone-{z.code}",
                kind=BodyKind.POLICE_ZONE,
                police_zone=z,
                # Zones 5340, 5342 and 5343 follow the sequence (docs/domain.md).
                to_verify=z.code in ("5340", "5342", "5343"),
                **_translated("name", zone_body_names(z)),
            ),
        )
    named = {}
    for code, kind, names, mediates, to_verify in NAMED_BODIES:
        named[code] = _body(
            ledger,
            result,
            code,
            lambda code=code: Body.objects.filter(code=code).first(),
            lambda code=code, kind=kind, names=names, mediates=mediates, to_verify=to_verify: (
                Body.objects.create(
                    code=code,
                    kind=kind,
                    mediates=mediates,
                    to_verify=to_verify,
                    **_translated("name", names),
                )
            ),
        )
    return named


def _translated(prefix: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{code}": text for code, text in values.items()}


def _new_category(seed: CategorySeed, position: int) -> Category:
    return Category.objects.create(
        code=seed.code,
        group=seed.group,
        confidential=seed.confidential,
        guarded=seed.guarded,
        offers_police=seed.offers_police,
        offers_victim_support=seed.offers_victim_support,
        shows_toilets=seed.shows_toilets,
        position=position * 10,
        **_translated("name", seed.name),
        **_translated("description", seed.description),
    )


def _place_category(ledger: Ledger, result: SeedResult, seed: CategorySeed, position, named):
    category = ledger.ensure(
        f"category:{seed.code}",
        lambda: Category.objects.filter(code=seed.code).first(),
        lambda: _new_category(seed, position),
    )
    if f"category:{seed.code}" in ledger.created:
        result.categories_created.append(seed.code)
    if category is None:
        return
    for target, body_code, condition in seed.rules:
        body = named[body_code] if body_code else None
        if body_code and body is None:
            continue  # staff deleted the body: the rule would route nowhere
        rule = {"category": category, "target": target, "body": body, "condition": condition}
        key = f"rule:{seed.code}:{target}:{body_code or '-'}:{condition}"
        ledger.ensure(
            key,
            lambda rule=rule: RoutingRule.objects.filter(**rule).first(),
            lambda rule=rule: RoutingRule.objects.create(**rule),
        )
        if key in ledger.created:
            result.rules_created += 1


@transaction.atomic
def load_reports() -> SeedResult:
    """Create the bodies, categories, rules and guard terms this seed never placed.

    A row placed before is left as it is, or left out if staff deleted it.
    """
    result = SeedResult()
    municipalities = list(Municipality.objects.all())
    zones = list(PoliceZone.objects.all())
    if len(municipalities) != 19 or len(zones) != 6:
        raise LookupError(
            "The Brussels geography is not loaded (19 municipalities, 6 police zones): "
            "run `manage.py load_brussels` first."
        )
    ledger = Ledger(SEED, adopt_if=_seeded_before)
    named = _place_bodies(ledger, result, municipalities, zones)
    for position, seed in enumerate(CATEGORIES, start=1):
        _place_category(ledger, result, seed, position, named)
    for kind, by_language in GUARD_TERMS.items():
        for language, terms in by_language.items():
            for term in terms:
                values = {"kind": kind, "language": language, "term": term}
                ledger.ensure(
                    f"term:{kind}:{language}:{term}",
                    lambda v=values: GuardTerm.objects.filter(**v).first(),
                    lambda v=values: GuardTerm.objects.create(**v),
                )
    result.terms_created = sum(key.startswith("term:") for key in ledger.created)
    return result


@register_seed(SEED, version=VERSION, after=("areas",))
def seed_reports() -> str:
    result = load_reports()
    return (
        f"Reports: {len(result.bodies_created)} bodies, "
        f"{len(result.categories_created)} categories, {result.rules_created} routing rules "
        f"and {result.terms_created} guard terms created; the rest was already there."
    )

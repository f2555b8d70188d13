"""The seeded routing matrix: bodies, categories, routing rules and the guard's word lists.

``load_reports()`` places each row once (``core/seeding.py``): it never
overwrites, renames back or re-creates what operators changed or deleted in
the admin (a routing rule, a guard term or a body included). Contacts (e-mail addresses, webhooks)
are not seeded: no real address is known here; operators add them.

Facts from docs/domain.md. Bodies whose role in this matrix is an assumption
(which regional service takes what; which organisation mediates) are
marked ``to_verify``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from umbrella.areas.models import Municipality, PoliceZone
from umbrella.core.seeding import Ledger, register_seed
from umbrella.reports.models import (
    Body,
    BodyKind,
    Category,
    CategoryGroup,
    GuardTerm,
    GuardTermKind,
    RoutingCondition,
    RoutingRule,
    RoutingTarget,
)


def _t(nl: str, fr: str, en: str) -> dict[str, str]:
    return {"nl": nl, "fr": fr, "en": en}


# Named bodies: code, kind, names, mediates, to_verify.
NAMED_BODIES: tuple[tuple[str, str, dict[str, str], bool, bool], ...] = (
    (
        "net-brussel",
        BodyKind.REGIONAL_SERVICE,
        _t("Net Brussel", "Bruxelles-Propreté", "Bruxelles-Propreté / Net Brussel"),
        False,
        True,
    ),
    ("stib-mivb", BodyKind.REGIONAL_SERVICE, _t("MIVB", "STIB", "STIB / MIVB"), False, True),
    (
        "safe-brussels",
        BodyKind.REGIONAL_SERVICE,
        _t(
            "safe.brussels (Brussel Preventie & Veiligheid)",
            "safe.brussels (Bruxelles Prévention & Sécurité)",
            "safe.brussels (Brussels Prevention & Security)",
        ),
        True,
        True,
    ),
    (
        "espace-p",
        BodyKind.SUPPORT_ORGANISATION,
        _t("Espace P", "Espace P", "Espace P"),
        False,
        False,
    ),
    ("utsopi", BodyKind.SUPPORT_ORGANISATION, _t("UTSOPI", "UTSOPI", "UTSOPI"), False, False),
    ("alias", BodyKind.SUPPORT_ORGANISATION, _t("Alias", "Alias", "Alias"), False, False),
    (
        "pag-asa",
        BodyKind.VICTIM_SUPPORT_CENTRE,
        _t("PAG-ASA", "PAG-ASA", "PAG-ASA"),
        False,
        False,
    ),
    ("payoke", BodyKind.VICTIM_SUPPORT_CENTRE, _t("Payoke", "Payoke", "Payoke"), False, False),
    ("surya", BodyKind.VICTIM_SUPPORT_CENTRE, _t("Sürya", "Sürya", "Sürya"), False, False),
)

# Municipality names that take "d'" in French, and the City of Brussels.
_FRENCH_ELISION = ("A", "E", "I", "O", "U")


def municipality_body_names(municipality: Municipality) -> dict[str, str]:
    """Return the body names of a municipality (its administration) in nl, fr, en."""
    if municipality.nis_code == "21004":
        return _t("Stad Brussel", "Ville de Bruxelles", "City of Brussels")
    fr = municipality.name_fr
    fr_name = f"Commune d'{fr}" if fr.startswith(_FRENCH_ELISION) else f"Commune de {fr}"
    return _t(f"Gemeente {municipality.name_nl}", fr_name, f"Municipality of {fr}")


def zone_body_names(zone: PoliceZone) -> dict[str, str]:
    return _t(
        f"Politiezone {zone.code} {zone.name_nl}",
        f"Zone de police {zone.code} {zone.name_fr}",
        f"Police zone {zone.code} {zone.name_fr}",
    )


@dataclass(frozen=True)
class CategorySeed:
    code: str
    group: str
    name: dict[str, str]
    description: dict[str, str]
    # (target, body code or None, condition)
    rules: tuple[tuple[str, str | None, str], ...]
    confidential: bool = False
    guarded: bool = True
    offers_police: bool = False
    offers_victim_support: bool = False
    shows_toilets: bool = False


M, Z, B = RoutingTarget.MUNICIPALITY, RoutingTarget.POLICE_ZONE, RoutingTarget.BODY
ALWAYS = RoutingCondition.ALWAYS

CATEGORIES: tuple[CategorySeed, ...] = (
    CategorySeed(
        "litter",
        CategoryGroup.CLEANLINESS,
        _t("Zwerfvuil of sluikstort", "Déchets ou dépôt clandestin", "Litter or dumped rubbish"),
        _t(
            "Afval op straat, volle vuilnisbakken, sluikstorten.",
            "Déchets en rue, poubelles qui débordent, dépôts clandestins.",
            "Rubbish in the street, overflowing bins, dumped waste.",
        ),
        ((M, None, ALWAYS),),
    ),
    CategorySeed(
        "needles",
        CategoryGroup.CLEANLINESS,
        _t(
            "Gebruikte spuiten of drugsafval",
            "Seringues usagées ou déchets liés à la drogue",
            "Used needles or drug litter",
        ),
        _t(
            "Raak ze niet aan: de netheidsdienst haalt ze veilig op.",
            "N'y touchez pas : le service propreté les ramasse en sécurité.",
            "Do not touch them: the cleanliness service collects them safely.",
        ),
        ((M, None, ALWAYS),),
    ),
    CategorySeed(
        "regional-road",
        CategoryGroup.CLEANLINESS,
        _t(
            "Vuile gewestweg of tunnel",
            "Voirie régionale ou tunnel malpropre",
            "Dirty regional road or tunnel",
        ),
        _t(
            "Grote assen en tunnels die het Gewest onderhoudt.",
            "Grands axes et tunnels entretenus par la Région.",
            "Main roads and tunnels that the Region cleans.",
        ),
        ((B, "net-brussel", ALWAYS),),
    ),
    CategorySeed(
        "public-urination",
        CategoryGroup.CLEANLINESS,
        _t("Wildplassen", "Urine sur la voie publique", "Public urination"),
        _t(
            "Plekken die als toilet gebruikt worden. We tonen ook de dichtstbijzijnde toiletten.",
            "Endroits utilisés comme toilettes. Nous montrons aussi les toilettes les plus "
            "proches.",
            "Places used as a toilet. We also show the nearest public toilets.",
        ),
        ((M, None, ALWAYS),),
        shows_toilets=True,
    ),
    CategorySeed(
        "street-lighting",
        CategoryGroup.PUBLIC_SPACE,
        _t("Straatverlichting defect", "Éclairage public en panne", "Street light out"),
        _t(
            "Een lamp die niet brandt of een donkere plek.",
            "Un lampadaire éteint ou un endroit trop sombre.",
            "A street light that is out, or a dark spot.",
        ),
        ((M, None, ALWAYS),),
    ),
    CategorySeed(
        "noise",
        CategoryGroup.PUBLIC_SPACE,
        _t("Geluidsoverlast", "Nuisances sonores", "Noise"),
        _t(
            "Lawaai dat de buurt stoort, vooral 's nachts.",
            "Bruit qui dérange le quartier, surtout la nuit.",
            "Noise that disturbs the neighbourhood, especially at night.",
        ),
        ((M, None, ALWAYS),),
    ),
    CategorySeed(
        "drug-dealing",
        CategoryGroup.SAFETY,
        _t("Drugshandel", "Trafic de drogue", "Drug dealing"),
        _t(
            "Dealen op straat. Bij direct gevaar: bel 112.",
            "Deal en rue. En cas de danger immédiat : appelez le 112.",
            "Dealing in the street. In immediate danger, call 112.",
        ),
        ((Z, None, ALWAYS),),
    ),
    CategorySeed(
        "public-transport",
        CategoryGroup.PUBLIC_SPACE,
        _t(
            "Halte of station van het openbaar vervoer",
            "Arrêt ou station de transport public",
            "Public transport stop or station",
        ),
        _t(
            "Schade, vuil of onveiligheid aan een halte of in een station van de MIVB.",
            "Dégâts, saleté ou insécurité à un arrêt ou dans une station de la STIB.",
            "Damage, dirt or unsafety at a STIB/MIVB stop or station.",
        ),
        ((B, "stib-mivb", ALWAYS),),
    ),
    CategorySeed(
        "sex-worker-harassment",
        CategoryGroup.SEX_WORKERS_SAFETY,
        _t(
            "Intimidatie van of geweld tegen sekswerkers",
            "Harcèlement ou violence envers des travailleur·euses du sexe",
            "Harassment of or violence against sex workers",
        ),
        _t(
            "Vertrouwelijk. Gaat naar de outreachteams van de ondersteuningsorganisaties; naar "
            "de politie alleen als u dat vraagt.",
            "Confidentiel. Va aux équipes de terrain des associations de soutien ; à la police "
            "seulement si vous le demandez.",
            "Confidential. Goes to the support organisations' outreach teams; to the police "
            "only if you ask.",
        ),
        (
            (B, "espace-p", ALWAYS),
            (B, "utsopi", ALWAYS),
            (B, "alias", ALWAYS),
            (Z, None, RoutingCondition.REPORTER_ASKS_POLICE),
        ),
        # Confidential although the issue does not ask it: a public pin of
        # violence against sex workers shows where they work, to anyone.
        confidential=True,
        guarded=False,
        offers_police=True,
    ),
    CategorySeed(
        "trafficking",
        CategoryGroup.SEX_WORKERS_SAFETY,
        _t(
            "Vermoeden van mensenhandel of uitbuiting",
            "Soupçon de traite ou d'exploitation",
            "Suspected trafficking or exploitation",
        ),
        _t(
            "Vertrouwelijk: alleen de referentiepersoon mensenhandel van de politiezone leest "
            "het, en als u wilt een erkend centrum voor slachtoffers. U mag anoniem blijven.",
            "Confidentiel : seule la personne de référence traite des êtres humains de la zone "
            "de police le lit, et si vous le souhaitez un centre reconnu d'aide aux victimes. "
            "Vous pouvez rester anonyme.",
            "Confidential: only the police zone's trafficking reference person reads it, and, "
            "if you wish, a recognised victim-support centre. You may stay anonymous.",
        ),
        (
            (Z, None, ALWAYS),
            (B, "pag-asa", RoutingCondition.REPORTER_ASKS_VICTIM_SUPPORT),
        ),
        confidential=True,
        guarded=False,
        offers_victim_support=True,
    ),
    CategorySeed(
        "other",
        CategoryGroup.PUBLIC_SPACE,
        _t("Ander buurtprobleem", "Autre problème de quartier", "Other neighbourhood problem"),
        _t(
            "Iets anders dat de leefbaarheid van de buurt schaadt.",
            "Autre chose qui nuit à la qualité de vie du quartier.",
            "Something else that harms the neighbourhood's liveability.",
        ),
        ((M, None, ALWAYS),),
    ),
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
    if f"body:{key}" in ledger.created:
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

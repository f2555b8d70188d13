"""The seeded routing matrix: the named bodies, the bodies of each municipality and
police zone, and the categories with their routing rules.

``seeds.py`` places them (with the guard's word lists) once. Facts from
docs/domain.md; bodies whose role in this matrix is an assumption (which
regional service takes what; which organisation mediates) are marked ``to_verify``.
"""

from __future__ import annotations

from dataclasses import dataclass

from umbrella.areas.models import Municipality, PoliceZone
from umbrella.reports.models import BodyKind, CategoryGroup, RoutingCondition, RoutingTarget


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

"""Seed data of the tracker and the rules monitor, from the facts in DOMAIN.md only.

The recommendations are those the press reported from the resolution of
20 June 2023 (Brussels Parliament, Interior Affairs committee); the official
text is not attached yet, so each is marked ``as_reported`` and stays
editable. The seeded status is a starting point, not an assessment: every
recommendation starts "not started" except the three parts of the regional
action plan, which safe.brussels is reported to be drafting ("in
preparation", recorded as a change row with its source), and so is the plan itself.

The municipal rules are the three municipalities DOMAIN.md names (Schaerbeek,
Saint-Josse-ten-Noode, City of Brussels); every other municipality is
recorded as "no rule on sex work known to the platform", flagged to verify.
No date, status or link is invented: a date is given as far as the source
gives it (often only the year), a status the source does not settle is
"not confirmed", and the source is named without a link until one is attached.

``load()`` places each row once (``core/seeding.py``): it never overwrites,
re-creates or renames back a row people edited or deleted, indicator links
included; a new seed version adds only its new rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from umbrella.consultation.models import (
    Actor,
    DatePrecision,
    MunicipalityRecord,
    MunicipalRule,
    Recommendation,
    RecommendationIndicator,
    Responsibility,
    RuleKind,
    RuleStatus,
    TrackerStatus,
)
from umbrella.core.seeding import Ledger, register_seed

SOURCE_LABEL = (
    "Press reports gathered in the project's domain notes (DOMAIN.md, "
    "“Municipal rules differ”); official text and link to be attached"
)

# Indicator keys provided by other apps' ``indicators`` modules.
ZONES_WITH_REFERENCE = "directory.zones_with_trafficking_reference"
TOILETS_WHERE_SEX_WORK = "directory.toilets_in_visible_sex_work_neighbourhoods"
ACK_WITHIN_60S = "alarms.acknowledged_within_60s"
# The training app's coverage figure, when that app registers it.
STAFF_TRAINED = "training.ocmw_cpas_staff_trained"


DRAFTING_NOTE = (
    "safe.brussels (Brussels Prevention & Security) is reported to be drafting the regional "
    "action plan (DOMAIN.md, to verify)."
)


@dataclass
class Seed:
    slug: str
    number: str
    title: dict[str, str]
    summary: dict[str, str]
    actors: list[str]
    highlighted: bool = False
    indicators: list[str] = field(default_factory=list)
    parent: str = ""
    weight: int = 1
    # (status, note) recorded as the first change, when not "not started".
    start: tuple[str, str] | None = None


RECOMMENDATIONS: list[Seed] = [
    Seed(
        "consultation-platform",
        "1",
        {
            "nl": "Een gewestelijk overlegplatform",
            "fr": "Une plateforme régionale de concertation",
            "en": "A regional consultation platform",
        },
        {
            "nl": "Het Gewest, de gemeenten, de OCMW's, de politiezones, vertegenwoordigers van "
            "sekswerkers, terreinorganisaties en wijkcomités rond één tafel, om één gewestelijke "
            "aanpak te maken in plaats van negentien gemeentelijke.",
            "fr": "La Région, les communes, les CPAS, les zones de police, des représentants des "
            "travailleuses et travailleurs du sexe, les associations de terrain et les comités de "
            "quartier autour d'une même table, pour une approche régionale unique au lieu de "
            "dix-neuf approches communales.",
            "en": "The Region, the municipalities, the OCMW/CPAS, the police zones, sex-worker "
            "representatives, field organisations and neighbourhood committees at one table, "
            "for one regional approach instead of nineteen municipal ones.",
        },
        [
            Actor.REGION,
            Actor.MUNICIPALITIES,
            Actor.OCMW_CPAS,
            Actor.POLICE_ZONES,
            Actor.SEX_WORKER_ORGANISATIONS,
            Actor.FIELD_ORGANISATIONS,
        ],
        highlighted=True,
    ),
    Seed(
        "action-plan",
        "2",
        {
            "nl": "Een gewestelijk actieplan",
            "fr": "Un plan d'action régional",
            "en": "A regional action plan",
        },
        {
            "nl": "Een gewestelijk actieplan over gezondheid, sociale inclusie en veiligheid.",
            "fr": "Un plan d'action régional couvrant la santé, l'inclusion sociale et la "
            "sécurité.",
            "en": "A regional action plan covering health, social inclusion and safety.",
        },
        [Actor.REGION, Actor.SAFE_BRUSSELS],
        start=(TrackerStatus.IN_PREPARATION, DRAFTING_NOTE),
    ),
    *[
        Seed(
            f"action-plan-{key}",
            f"2.{n}",
            title,
            summary,
            [Actor.SAFE_BRUSSELS, Actor.REGION],
            parent="action-plan",
            start=(TrackerStatus.IN_PREPARATION, DRAFTING_NOTE),
        )
        for n, (key, title, summary) in enumerate(
            [
                (
                    "health",
                    {
                        "nl": "Actieplan: gezondheid",
                        "fr": "Plan d'action : santé",
                        "en": "Action plan: health",
                    },
                    {
                        "nl": "Het gezondheidsluik van het gewestelijke actieplan.",
                        "fr": "Le volet santé du plan d'action régional.",
                        "en": "The health part of the regional action plan.",
                    },
                ),
                (
                    "social-inclusion",
                    {
                        "nl": "Actieplan: sociale inclusie",
                        "fr": "Plan d'action : inclusion sociale",
                        "en": "Action plan: social inclusion",
                    },
                    {
                        "nl": "Het luik sociale inclusie van het gewestelijke actieplan.",
                        "fr": "Le volet inclusion sociale du plan d'action régional.",
                        "en": "The social-inclusion part of the regional action plan.",
                    },
                ),
                (
                    "safety",
                    {
                        "nl": "Actieplan: veiligheid",
                        "fr": "Plan d'action : sécurité",
                        "en": "Action plan: safety",
                    },
                    {
                        "nl": "Het veiligheidsluik van het gewestelijke actieplan.",
                        "fr": "Le volet sécurité du plan d'action régional.",
                        "en": "The safety part of the regional action plan.",
                    },
                ),
            ],
            start=1,
        )
    ],
    Seed(
        "low-threshold-access",
        "3",
        {
            "nl": "Laagdrempelige toegang tot zorg, soa-preventie en sociale diensten",
            "fr": "Un accès à bas seuil aux soins, à la prévention des IST et aux services sociaux",
            "en": "Low-threshold access to health care, STI prevention and social services",
        },
        {
            "nl": "Toegang tot gezondheidszorg, soa-preventie en sociale diensten, ongeacht de "
            "verblijfsstatus.",
            "fr": "L'accès aux soins de santé, à la prévention des IST et aux services sociaux, "
            "quel que soit le statut de séjour.",
            "en": "Access to health care, STI prevention and social services, regardless of "
            "residence status.",
        },
        [Actor.COCOM, Actor.OCMW_CPAS, Actor.FIELD_ORGANISATIONS],
    ),
    Seed(
        "public-toilets",
        "4",
        {
            "nl": "Openbare toiletten, ook waar sekswerk plaatsvindt",
            "fr": "Des toilettes publiques, aussi là où le travail du sexe a lieu",
            "en": "Public toilets, also where sex work happens",
        },
        {
            "nl": "Voldoende openbare toiletten in de wijken waar sekswerk plaatsvindt.",
            "fr": "Une offre suffisante de toilettes publiques dans les quartiers où le travail "
            "du sexe a lieu.",
            "en": "Enough public toilets in the neighbourhoods where sex work happens.",
        },
        [Actor.MUNICIPALITIES, Actor.REGION],
        highlighted=True,
        indicators=[TOILETS_WHERE_SEX_WORK],
    ),
    Seed(
        "training-first-line-staff",
        "5",
        {
            "nl": "Opleiding van OCMW-, Actiris- en eerstelijnspersoneel",
            "fr": "La formation du personnel des CPAS, d'Actiris et de première ligne",
            "en": "Training of OCMW/CPAS, Actiris and first-line staff",
        },
        {
            "nl": "Personeel van de OCMW's, Actiris en eerstelijnsdiensten opleiden tot een "
            "niet-stigmatiserende aanpak.",
            "fr": "Former le personnel des CPAS, d'Actiris et des services de première ligne à "
            "une approche non stigmatisante.",
            "en": "Train the staff of the OCMW/CPAS, Actiris and first-line services in a "
            "non-stigmatising approach.",
        },
        [Actor.OCMW_CPAS, Actor.ACTIRIS, Actor.REGION],
        highlighted=True,
        indicators=[STAFF_TRAINED],
    ),
    Seed(
        "trafficking-reference-person",
        "6",
        {
            "nl": "Een referentiepersoon mensenhandel in elke politiezone",
            "fr": "Une personne de référence traite des êtres humains dans chaque zone de police",
            "en": "A human-trafficking reference person in every police zone",
        },
        {
            "nl": "Elk van de zes Brusselse politiezones wijst een referentiepersoon voor "
            "mensenhandel aan.",
            "fr": "Chacune des six zones de police bruxelloises désigne une personne de référence "
            "pour la traite des êtres humains.",
            "en": "Each of the six Brussels police zones designates a reference person for human "
            "trafficking.",
        },
        [Actor.POLICE_ZONES, Actor.FEDERAL],
        highlighted=True,
        indicators=[ZONES_WITH_REFERENCE],
    ),
    Seed(
        "alarm-button-study",
        "7",
        {
            "nl": "Een alarmknop in de kamers bestuderen",
            "fr": "Étudier un bouton d'alarme dans les chambres",
            "en": "Study an alarm button in the rooms",
        },
        {
            "nl": "Een alarmknop bestuderen voor de kamers waar sekswerk plaatsvindt (de "
            "paniekknop).",
            "fr": "Étudier un bouton d'alarme pour les chambres où le travail du sexe a lieu (le "
            "bouton de panique).",
            "en": "Study an alarm button for the rooms where sex work happens (the panic button).",
        },
        [Actor.REGION, Actor.SAFE_BRUSSELS, Actor.SEX_WORKER_ORGANISATIONS],
        highlighted=True,
        indicators=[ACK_WITHIN_60S],
    ),
    Seed(
        "planning-options",
        "8",
        {
            "nl": "Geen enkele zone naar Antwerps model; ruimtelijke opties bestuderen",
            "fr": "Pas de zone unique à l'anversoise ; étudier les options d'aménagement",
            "en": "No Antwerp-style single zone; study planning options",
        },
        {
            "nl": "Geen enkele afgebakende zone zoals in Antwerpen, maar de mogelijkheden van "
            "ruimtelijke ordening bestuderen.",
            "fr": "Pas de zone unique délimitée comme à Anvers, mais étudier les possibilités "
            "d'aménagement du territoire.",
            "en": "No single delimited zone as in Antwerp, but a study of the planning options.",
        },
        [Actor.REGION, Actor.MUNICIPALITIES],
    ),
]


# (NIS, Dutch, French, police zone) from DOMAIN.md's table.
MUNICIPALITIES = [
    ("21001", "Anderlecht", "Anderlecht", "5341"),
    ("21002", "Oudergem", "Auderghem", "5342"),
    ("21003", "Sint-Agatha-Berchem", "Berchem-Sainte-Agathe", "5340"),
    ("21004", "Brussel", "Bruxelles", "5339"),
    ("21005", "Etterbeek", "Etterbeek", "5343"),
    ("21006", "Evere", "Evere", "5344"),
    ("21007", "Vorst", "Forest", "5341"),
    ("21008", "Ganshoren", "Ganshoren", "5340"),
    ("21009", "Elsene", "Ixelles", "5339"),
    ("21010", "Jette", "Jette", "5340"),
    ("21011", "Koekelberg", "Koekelberg", "5340"),
    ("21012", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean", "5340"),
    ("21013", "Sint-Gillis", "Saint-Gilles", "5341"),
    ("21014", "Sint-Joost-ten-Node", "Saint-Josse-ten-Noode", "5344"),
    ("21015", "Schaarbeek", "Schaerbeek", "5344"),
    ("21016", "Ukkel", "Uccle", "5342"),
    ("21017", "Watermaal-Bosvoorde", "Watermael-Boitsfort", "5342"),
    ("21018", "Sint-Lambrechts-Woluwe", "Woluwe-Saint-Lambert", "5343"),
    ("21019", "Sint-Pieters-Woluwe", "Woluwe-Saint-Pierre", "5343"),
]

NO_RULE_NOTE = {
    "nl": "Geen enkele bron die het platform kent, vermeldt een regel van deze gemeente over "
    "sekswerk. Na te gaan.",
    "fr": "Aucune source connue de la plateforme ne mentionne de règle de cette commune sur le "
    "travail du sexe. À vérifier.",
    "en": "No source known to the platform mentions a rule of this municipality on sex work. "
    "To verify.",
}


@dataclass
class RuleSeed:
    slug: str
    nis_code: str
    kind: str
    status: str
    title: dict[str, str]
    summary: dict[str, str]
    date: date | None = None
    precision: str = DatePrecision.YEAR


RULES: list[RuleSeed] = [
    RuleSeed(
        "schaerbeek-window-bars-2011",
        "21015",
        RuleKind.POLICE_REGULATION,
        RuleStatus.IN_FORCE,
        {
            "nl": "Reglement op de vitrinebars",
            "fr": "Règlement sur les bars à vitrine",
            "en": "Window-bar regulation",
        },
        {
            "nl": "Reglement op de vitrinebars (2011): bouwnormen, een conformiteitsattest voor "
            "vijf jaar en een vaste perimeter. Soort tekst en huidige status na te gaan.",
            "fr": "Règlement sur les bars à vitrine (2011) : normes de construction, certificat "
            "de conformité de cinq ans et périmètre fixe. Nature du texte et statut actuel à "
            "vérifier.",
            "en": "Window-bar regulation (2011): building standards, a five-year conformity "
            "certificate and a fixed perimeter. Kind of text and current status to verify.",
        },
        date(2011, 1, 1),
    ),
    RuleSeed(
        "saint-josse-carrees",
        "21014",
        RuleKind.POLICE_REGULATION,
        RuleStatus.UNCONFIRMED,
        {
            "nl": "Regels voor de ‘carrées’",
            "fr": "Règles sur les « carrées »",
            "en": "Rules on the ‘carrées’",
        },
        {
            "nl": "Regels voor de carrées (ramen van één sekswerker) die de Raad van State "
            "herhaaldelijk heeft geschorst of vernietigd. Datum, soort tekst en huidige status "
            "na te gaan.",
            "fr": "Règles sur les carrées (vitrines d'une seule travailleuse ou d'un seul "
            "travailleur du sexe), suspendues ou annulées à plusieurs reprises par le Conseil "
            "d'État. Date, nature du texte et statut actuel à vérifier.",
            "en": "Rules on the carrées (single-worker windows), repeatedly suspended or "
            "annulled by the Council of State. Date, kind of text and current status to verify.",
        },
    ),
    RuleSeed(
        "saint-josse-carree-tax",
        "21014",
        RuleKind.TAX,
        RuleStatus.UNCONFIRMED,
        {
            "nl": "Jaarlijkse belasting per carrée",
            "fr": "Taxe annuelle par carrée",
            "en": "Annual tax per carrée",
        },
        {
            "nl": "Een jaarlijkse gemeentebelasting per carrée. Datum en status na te gaan.",
            "fr": "Une taxe communale annuelle par carrée. Date et statut à vérifier.",
            "en": "An annual municipal tax per carrée. Date and status to verify.",
        },
    ),
    RuleSeed(
        "brussels-alhambra-soliciting-2017",
        "21004",
        RuleKind.POLICE_REGULATION,
        RuleStatus.IN_FORCE,
        {
            "nl": "Verbod op tippelen in een perimeter rond Alhambra",
            "fr": "Interdiction du racolage dans un périmètre Alhambra",
            "en": "Soliciting banned in an Alhambra perimeter",
        },
        {
            "nl": "Tippelen verboden in een perimeter in de Alhambrawijk (2017). Huidige status "
            "na te gaan.",
            "fr": "Racolage interdit dans un périmètre du quartier Alhambra (2017). Statut actuel "
            "à vérifier.",
            "en": "Soliciting banned in a perimeter of the Alhambra quarter (2017). Current status "
            "to verify.",
        },
        date(2017, 1, 1),
    ),
    RuleSeed(
        "brussels-earlier-fines",
        "21004",
        RuleKind.POLICE_REGULATION,
        RuleStatus.ANNULLED,
        {
            "nl": "Eerdere boetes, vernietigd",
            "fr": "Amendes antérieures, annulées",
            "en": "Earlier fines, annulled",
        },
        {
            "nl": "Eerdere boetes van de Stad werden door de Raad van State vernietigd. Datum en "
            "precieze tekst na te gaan.",
            "fr": "Des amendes antérieures de la Ville ont été annulées par le Conseil d'État. "
            "Date et texte exact à vérifier.",
            "en": "Earlier fines of the City were annulled by the Council of State. Date and "
            "exact text to verify.",
        },
    ),
]


def _translated(prefix: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{code}": text for code, text in values.items()}


SEED = "consultation"
# Raise when RECOMMENDATIONS or RULES gain rows: a new version adds only its new keys.
VERSION = "1"


def _seeded_before() -> bool:
    return Recommendation.objects.filter(slug__in=[s.slug for s in RECOMMENDATIONS]).exists()


def _new_recommendation(seed: Seed, position: int, by_slug: dict, now) -> Recommendation:
    rec = Recommendation.objects.create(
        slug=seed.slug,
        number=seed.number,
        position=position * 10,
        parent=by_slug.get(seed.parent) if seed.parent else None,
        weight=seed.weight,
        as_reported=True,
        highlighted=seed.highlighted,
        updated_at=now,
        **_translated("title", seed.title),
        **_translated("summary", seed.summary),
    )
    Responsibility.objects.bulk_create(
        Responsibility(recommendation=rec, actor=actor, lead=(n == 0))
        for n, actor in enumerate(seed.actors)
    )
    return rec


def load_recommendations(ledger: Ledger, now) -> dict[str, int]:
    """Create the recommendations (and their indicator links) this seed never placed."""
    from umbrella.consultation.actions_tracker import update_recommendation

    created = links = 0
    starts = []
    by_slug = {r.slug: r for r in Recommendation.objects.all()}
    for position, seed in enumerate(RECOMMENDATIONS, start=1):
        key = f"recommendation:{seed.slug}"
        rec = ledger.ensure(
            key,
            lambda seed=seed: Recommendation.objects.filter(slug=seed.slug).first(),
            lambda seed=seed, position=position: _new_recommendation(seed, position, by_slug, now),
        )
        if rec is None:
            continue  # deleted by staff: stays deleted
        by_slug[seed.slug] = rec
        if key in ledger.created:
            created += 1
            if seed.start is not None:
                starts.append((seed, rec))
        for n, indicator in enumerate(seed.indicators):
            link_key = f"indicator:{seed.slug}:{indicator}"
            ledger.ensure(
                link_key,
                lambda rec=rec, indicator=indicator: RecommendationIndicator.objects.filter(
                    recommendation=rec, key=indicator
                ).first(),
                lambda rec=rec, indicator=indicator, n=n: RecommendationIndicator.objects.create(
                    recommendation=rec, key=indicator, position=n
                ),
            )
            links += link_key in ledger.created
    # Parts first, so that a parent's progress is their roll-up, not a status default.
    for seed, rec in sorted(starts, key=lambda pair: pair[0].parent == ""):
        status, note = seed.start
        update_recommendation(rec, by=None, status=status, note=note, now=now)
    return {"recommendations": created, "indicator_links": links}


def load_rules(ledger: Ledger) -> dict[str, int]:
    """Create the 19 municipalities and the known rules this seed never placed."""
    with_rules = {seed.nis_code for seed in RULES}
    records = 0
    for nis_code, name_nl, name_fr, zone in MUNICIPALITIES:
        key = f"municipality:{nis_code}"
        ledger.ensure(
            key,
            lambda nis_code=nis_code: MunicipalityRecord.objects.filter(nis_code=nis_code).first(),
            lambda nis_code=nis_code, name_nl=name_nl, name_fr=name_fr, zone=zone: (
                MunicipalityRecord.objects.create(
                    nis_code=nis_code,
                    name_nl=name_nl,
                    name_fr=name_fr,
                    police_zone_code=zone,
                    no_rule_known=nis_code not in with_rules,
                    to_verify=True,
                    **(_translated("note", NO_RULE_NOTE) if nis_code not in with_rules else {}),
                )
            ),
        )
        records += key in ledger.created
    rules = 0
    by_code = {m.nis_code: m for m in MunicipalityRecord.objects.all()}
    for seed in RULES:
        if seed.nis_code not in by_code:
            continue  # the municipality's record was deleted by staff
        key = f"rule:{seed.slug}"
        ledger.ensure(
            key,
            lambda seed=seed: MunicipalRule.objects.filter(slug=seed.slug).first(),
            lambda seed=seed: MunicipalRule.objects.create(
                slug=seed.slug,
                municipality=by_code[seed.nis_code],
                kind=seed.kind,
                status=seed.status,
                date=seed.date,
                date_precision=seed.precision,
                source_label=SOURCE_LABEL,
                to_verify=True,
                **_translated("title", seed.title),
                **_translated("summary", seed.summary),
            ),
        )
        rules += key in ledger.created
    return {"municipalities": records, "rules": rules}


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

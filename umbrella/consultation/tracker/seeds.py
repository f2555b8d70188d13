"""Seed data of the recommendations tracker, from the facts in docs/domain.md only.

The recommendations are those the press reported from the resolution of
20 June 2023 (Brussels Parliament, Interior Affairs committee); the official
text is not attached yet, so each is marked ``as_reported`` and stays
editable. The seeded status is a starting point, not an assessment: every
recommendation starts "not started" except the three parts of the regional
action plan, which safe.brussels is reported to be drafting ("in
preparation", recorded as a change row with its source), and so is the plan itself.

Part of the seed ``consultation`` (``consultation/seeds.py``), which places
each row once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from umbrella.consultation.tracker.models import (
    Actor,
    Recommendation,
    RecommendationIndicator,
    Responsibility,
    TrackerStatus,
)
from umbrella.core.seeding import Ledger

# Indicator keys provided by other apps' ``indicators`` modules.
ZONES_WITH_REFERENCE = "directory.zones_with_trafficking_reference"
TOILETS_WHERE_SEX_WORK = "directory.toilets_in_visible_sex_work_neighbourhoods"
ACK_WITHIN_60S = "alarms.acknowledged_within_60s"
# The observatory's protected figures of the panic button (observatory/indicators.py).
OBSERVATORY_ACK_WITHIN_60S = "observatory.acknowledged_within_60s"
OBSERVATORY_ACK_MEDIAN = "observatory.acknowledgement_median"
# The training app's coverage figure, when that app registers it.
STAFF_TRAINED = "training.ocmw_cpas_staff_trained"


DRAFTING_NOTE = (
    "safe.brussels (Brussels Prevention & Security) is reported to be drafting the regional "
    "action plan (docs/domain.md, to verify)."
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
        indicators=[ACK_WITHIN_60S, OBSERVATORY_ACK_WITHIN_60S, OBSERVATORY_ACK_MEDIAN],
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


def _translated(prefix: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{code}": text for code, text in values.items()}


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
    from umbrella.consultation.tracker.actions import update_recommendation

    created = links = 0
    # (seed, its first change, the recommendation created for it)
    starts: list[tuple[Seed, tuple[str, str], Recommendation]] = []
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
                starts.append((seed, seed.start, rec))
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
    for _seed, (status, note), rec in sorted(starts, key=lambda start: start[0].parent == ""):
        update_recommendation(rec, by=None, status=status, note=note, now=now)
    return {"recommendations": created, "indicator_links": links}

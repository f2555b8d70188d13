"""Seed data of the municipal rules monitor, from the facts in docs/domain.md only.

The municipal rules are the three municipalities docs/domain.md names (Schaerbeek,
Saint-Josse-ten-Noode, City of Brussels); every other municipality is
recorded as "no rule on sex work known to the platform", flagged to verify.
No date, status or link is invented: a date is given as far as the source
gives it (often only the year), a status the source does not settle is
"not confirmed", and the source is named without a link until one is attached.

Part of the seed ``consultation`` (``consultation/seeds.py``), which places
each row once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from umbrella.consultation.rules.models import (
    DatePrecision,
    MunicipalityRecord,
    MunicipalRule,
    RuleKind,
    RuleStatus,
)
from umbrella.core.seeding import Ledger

SOURCE_LABEL = (
    "Press reports gathered in the project's domain notes (docs/domain.md, "
    "“Municipal rules differ”); official text and link to be attached"
)

# (NIS, Dutch, French, police zone) from docs/domain.md's table.
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

"""The real organisations of ``docs/domain.md``, seeded idempotently.

Only what docs/domain.md states is seeded. It gives no street address, opening
hours or coordinates for any organisation, so:

- every record is marked "to verify" (shown to users);
- a location whose municipality is known (UTSOPI: rue d'Aerschot,
  Schaerbeek; each OCMW/CPAS: its municipality) sits at the municipality's
  centroid, flagged "approximate" — never an invented door;
- a location whose municipality is not stated (Espace P, Médecins du Monde's
  outreach, Actiris) has no point at all: it is listed, not mapped;
- no hours are seeded, so "open now" says "unknown" rather than guessing;
- no police zone's trafficking reference is seeded: docs/domain.md names no
  designated function, so all six zones show the gap.

Each row is placed once (``core/seeding.py``): a re-run never overwrites,
renames back or re-creates what staff have since corrected or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from umbrella.areas.models import Municipality
from umbrella.core.seeding import Ledger, register_seed
from umbrella.directory import actions
from umbrella.directory.models import (
    Category,
    GenderFocus,
    Location,
    LocationKind,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)


@dataclass(frozen=True)
class ServiceSeed:
    category: str
    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False
    free: bool = False
    no_papers: bool = False
    no_appointment: bool = False
    gender_focus: str = GenderFocus.EVERYONE
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganizationSeed:
    slug: str
    name: str
    description: dict[str, str]
    services: tuple[ServiceSeed, ...]
    # NIS code of the municipality docs/domain.md places it in; None: not stated.
    nis_code: str | None = None
    virtual: bool = False
    location_name: dict[str, str] = field(default_factory=dict)


def _t(nl: str, fr: str, en: str) -> dict[str, str]:
    return {"nl": nl, "fr": fr, "en": en}


ORGANISATIONS: tuple[OrganizationSeed, ...] = (
    OrganizationSeed(
        slug="espace-p",
        name="Espace P",
        description=_t(
            "Gezondheids- en sociale ondersteuning voor sekswerkers, zonder oordeel. "
            "Je echte naam is nooit nodig. Werkt niet samen met de politie. "
            "Outreachrondes aan de IJzer, de Aarschotstraat en de Louizalaan.",
            "Soutien santé et social pour les travailleur·euses du sexe, sans jugement. "
            "Votre vrai nom n'est jamais demandé. Ne coopère pas avec la police. "
            "Tournées de terrain à l'Yser, rue d'Aerschot et avenue Louise.",
            "Health and social support for sex workers, without judgement. "
            "Your real name is never needed. Does not cooperate with the police. "
            "Outreach rounds at Yser, rue d'Aerschot and avenue Louise.",
        ),
        services=(
            ServiceSeed(
                Category.SEX_WORKER_ORGANISATION,
                _t(
                    "Gezondheids- en sociale ondersteuning",
                    "Soutien santé et social",
                    "Health and social support",
                ),
                anonymous=True,
            ),
        ),
    ),
    OrganizationSeed(
        slug="utsopi",
        name="UTSOPI",
        description=_t(
            "De vakbond van sekswerkers: lotgenotengroepen; geeft vorming aan politie en OCMW. "
            "Kantoor in de Aarschotstraat.",
            "Le syndicat des travailleur·euses du sexe : rencontres entre pairs ; forme la "
            "police et les CPAS. Bureau rue d'Aerschot.",
            "The sex workers' union: peer meetings; trains police and OCMW/CPAS staff. "
            "Office in rue d'Aerschot.",
        ),
        services=(
            ServiceSeed(
                Category.SEX_WORKER_ORGANISATION,
                _t(
                    "Vakbond en lotgenotengroepen",
                    "Syndicat et rencontres entre pairs",
                    "Union and peer meetings",
                ),
            ),
        ),
        nis_code="21015",  # rue d'Aerschot, Schaerbeek (docs/domain.md, Geography)
        location_name=_t(
            "Kantoor (Aarschotstraat)", "Bureau (rue d'Aerschot)", "Office (rue d'Aerschot)"
        ),
    ),
    OrganizationSeed(
        slug="alias",
        name="Alias",
        description=_t(
            "Voor mannen en trans personen die sekswerk doen, velen zonder verblijfspapieren.",
            "Pour les hommes et les personnes trans qui font du travail du sexe, beaucoup "
            "sans titre de séjour.",
            "For men and trans people doing sex work, many without residence papers.",
        ),
        services=(
            ServiceSeed(
                Category.MEDICAL_CARE,
                _t(
                    "Anonieme gratis medische consultatie (met UMC Sint-Pieter)",
                    "Consultation médicale anonyme et gratuite (avec le CHU Saint-Pierre)",
                    "Anonymous free medical session (with CHU Saint-Pierre)",
                ),
                anonymous=True,
                free=True,
                gender_focus=GenderFocus.MEN_AND_TRANS,
            ),
            ServiceSeed(
                Category.SEX_WORKER_ORGANISATION,
                _t(
                    "Ondersteuning van mannelijke en trans sekswerkers",
                    "Soutien aux travailleurs du sexe hommes et trans",
                    "Support for male and trans sex workers",
                ),
                gender_focus=GenderFocus.MEN_AND_TRANS,
            ),
        ),
    ),
    OrganizationSeed(
        slug="isala",
        name="Isala",
        description=_t(
            "Straatwerk en een telefoonlijn in zeven talen (abolitionistische visie).",
            "Travail de rue et une ligne téléphonique en sept langues (position abolitionniste).",
            "Street outreach and a phone line in seven languages (abolitionist stance).",
        ),
        services=(
            ServiceSeed(
                Category.SEX_WORKER_ORGANISATION,
                _t(
                    "Straatwerk en telefoonlijn",
                    "Travail de rue et ligne téléphonique",
                    "Street outreach and phone line",
                ),
            ),
        ),
        virtual=True,
        location_name=_t("Telefoonlijn", "Ligne téléphonique", "Phone line"),
    ),
    OrganizationSeed(
        slug="pag-asa",
        name="PAG-ASA",
        description=_t(
            "Een van de drie erkende centra voor slachtoffers van mensenhandel (met Payoke in "
            "Antwerpen en Sürya in Luik); alleen zij kunnen de verblijfsprocedure voor "
            "slachtoffers starten.",
            "L'un des trois centres reconnus pour les victimes de la traite des êtres humains "
            "(avec Payoke à Anvers et Sürya à Liège) ; eux seuls peuvent lancer la procédure "
            "de séjour pour victimes.",
            "One of the three recognised centres for victims of trafficking (with Payoke in "
            "Antwerp and Sürya in Liège); only they can start the victim residence procedure.",
        ),
        services=(
            ServiceSeed(
                Category.TRAFFICKING_SUPPORT,
                _t(
                    "Opvang en begeleiding van slachtoffers van mensenhandel",
                    "Accueil et accompagnement des victimes de la traite",
                    "Support for victims of trafficking",
                ),
                no_papers=True,
            ),
        ),
    ),
    OrganizationSeed(
        slug="medecins-du-monde",
        name="Médecins du Monde / Dokters van de Wereld",
        description=_t(
            "Outreach voor schadebeperking.",
            "Travail de terrain en réduction des risques.",
            "Harm reduction outreach.",
        ),
        services=(
            ServiceSeed(
                Category.HARM_REDUCTION,
                _t(
                    "Schadebeperking (outreach)",
                    "Réduction des risques (terrain)",
                    "Harm reduction (outreach)",
                ),
            ),
        ),
    ),
    OrganizationSeed(
        slug="actiris",
        name="Actiris",
        description=_t(
            "De Brusselse dienst voor arbeidsbemiddeling.",
            "Le service régional bruxellois de l'emploi.",
            "The Brussels regional employment service.",
        ),
        services=(
            ServiceSeed(
                Category.EMPLOYMENT,
                _t("Werk zoeken", "Recherche d'emploi", "Finding work"),
                languages=("nl", "fr"),
            ),
        ),
    ),
)


def _cpas_seed(municipality: Municipality) -> OrganizationSeed:
    return OrganizationSeed(
        slug=f"ocmw-cpas-{municipality.nis_code}",
        name=f"OCMW {municipality.name_nl} / CPAS {municipality.name_fr}",
        description=_t(
            f"Het openbaar centrum voor maatschappelijk welzijn van {municipality.name_nl}.",
            f"Le centre public d'action sociale de {municipality.name_fr}.",
            f"The public social welfare centre of {municipality.name_fr}.",
        ),
        services=(
            ServiceSeed(
                Category.SOCIAL_SERVICES,
                _t("Sociale dienst", "Service social", "Social services"),
                languages=("nl", "fr"),
            ),
        ),
        nis_code=municipality.nis_code,
    )


SEED = "directory"
# Raise when ORGANISATIONS gains rows: a new version adds only its new keys.
VERSION = "1"


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def _seeded_before() -> bool:
    return Organization.objects.filter(slug__in=[seed.slug for seed in ORGANISATIONS]).exists()


def _new_location(org: Organization, seed: OrganizationSeed, municipalities) -> Location:
    name = seed.location_name or {"nl": org.name, "fr": org.name, "en": org.name}
    location = Location(
        organization=org,
        kind=LocationKind.VIRTUAL if seed.virtual else LocationKind.PHYSICAL,
        name_nl=name["nl"],
        name_fr=name["fr"],
        name_en=name["en"],
        to_verify=True,
    )
    if seed.nis_code:
        actions.place_at_municipality_centroid(location, municipalities[seed.nis_code])
    actions.save_entry(location)
    return location


def _new_service(org: Organization, seed: ServiceSeed) -> Service:
    service = Service(
        organization=org,
        category=seed.category,
        name_nl=seed.name["nl"],
        name_fr=seed.name["fr"],
        name_en=seed.name["en"],
        description_nl=seed.description.get("nl", ""),
        description_fr=seed.description.get("fr", ""),
        description_en=seed.description.get("en", ""),
        anonymous=seed.anonymous,
        free=seed.free,
        no_papers_needed=seed.no_papers,
        no_appointment_needed=seed.no_appointment,
        gender_focus=seed.gender_focus,
        to_verify=True,
    )
    actions.save_entry(service)
    for code in seed.languages:
        ServiceLanguage.objects.get_or_create(service=service, language=code)
    return service


def _new_organization(seed: OrganizationSeed) -> Organization:
    org = Organization(
        slug=seed.slug,
        name=seed.name,
        description_nl=seed.description["nl"],
        description_fr=seed.description["fr"],
        description_en=seed.description["en"],
        to_verify=True,
    )
    actions.save_entry(org)
    return org


def _place(ledger: Ledger, seed: OrganizationSeed, municipalities, result: SeedResult) -> None:
    # Keys are the seed's slug and each service's category (an organisation
    # has one seeded service per category), never a name staff may change.
    org = ledger.ensure(
        f"organisation:{seed.slug}",
        lambda: Organization.objects.filter(slug=seed.slug).first(),
        lambda: _new_organization(seed),
    )
    if f"organisation:{seed.slug}" in ledger.created:
        result.created.append(seed.slug)
    else:
        result.existing.append(seed.slug)
    if org is None:
        return  # deleted by staff: so are its services
    location = ledger.ensure(
        f"location:{seed.slug}",
        lambda: org.locations.order_by("pk").first(),
        lambda: _new_location(org, seed, municipalities),
    )
    for service_seed in seed.services:
        key = f"{seed.slug}:{service_seed.category}"
        service = ledger.ensure(
            f"service:{key}",
            lambda s=service_seed: org.services.filter(category=s.category).order_by("pk").first(),
            lambda s=service_seed: _new_service(org, s),
        )
        if service is None or location is None:
            continue
        ledger.ensure(
            f"service-at-location:{key}",
            lambda s=service: ServiceAtLocation.objects.filter(service=s).first(),
            lambda s=service: ServiceAtLocation.objects.create(
                service=s, location=location, to_verify=True
            ),
        )


@transaction.atomic
def load_directory() -> SeedResult:
    """Create the seeded organisations, services and locations this seed never placed.

    A row the seed placed before is left as it is, or left out if staff
    deleted it. Raise ``LookupError`` when the geography is not loaded (run
    ``load_brussels``).
    """
    municipalities = {m.nis_code: m for m in Municipality.objects.all()}
    if len(municipalities) < 19:
        raise LookupError("Load the Brussels geography first: manage.py load_brussels")
    seeds = list(ORGANISATIONS) + [
        _cpas_seed(m) for m in sorted(municipalities.values(), key=lambda m: m.nis_code)
    ]
    ledger = Ledger(SEED, adopt_if=_seeded_before)
    result = SeedResult()
    for seed in seeds:
        _place(ledger, seed, municipalities, result)
    return result


@register_seed(SEED, version=VERSION, after=("areas",))
def seed_directory() -> str:
    result = load_directory()
    return (
        f"Directory: {len(result.created)} organisations created, "
        f"{len(result.existing)} already there (left as they are)."
    )

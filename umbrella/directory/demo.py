"""The directory part of ``manage.py demo``: the real seeds, plus labelled demo rows.

Found by ``umbrella.accounts.demo.create_demo``, which calls it inside its transaction.
Every demo row is flagged ``is_demo``, every page and feature says so, and
each name starts with "Demo —" in nl, fr and en. They stand where sex work
is visible in Brussels (the North quarter by Gare du Nord and rue
d'Aerschot, Alhambra/Yser, avenue Louise), so that a newcomer sees "the
nearest free toilet open now" work at any hour: one toilet in each quarter
is open around the clock. Plus the demo trafficking reference function of
zone 5344 (docs/api.md: ``demo-police`` is its reference person).

Only ``manage.py demo`` creates them; the deploy seeds (``load_directory``)
never do. A second run resets them: each row is found again by its demo key
(a facility's ``source``/``source_id``, a service's English name within the
demo organisation) and every field and opening hour is written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from umbrella.accounts.demo import POLICE_ORGANISATION, PUBLIC_SERVICE_ORGANISATION, DemoResult
from umbrella.areas.actions import load_brussels
from umbrella.areas.models import Municipality, PoliceZone
from umbrella.directory import actions
from umbrella.directory.models import (
    Category,
    Facility,
    FacilityKind,
    Location,
    OperatingStatus,
    Organization,
    RegularSchedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TraffickingReference,
    TriState,
)
from umbrella.directory.seeds import load_directory

DEMO_TOILET_SOURCE = "demo"
DEMO_ORGANISATION_SLUG = "demo-organisation"
# Gare du Nord, where the North quarter's demo toilet is open around the clock.
NORTH_STATION = (50.8603, 4.3617)

# Every day, around the clock (equal times: 24 hours, docs/directory.md).
ALWAYS = tuple((day, time(0), time(0)) for day in range(7))


def _every_day(opens: time, closes: time) -> tuple:
    return tuple((day, opens, closes) for day in range(7))


@dataclass(frozen=True)
class DemoToilet:
    source_id: str
    point: tuple[float, float]
    name_nl: str
    name_fr: str
    name_en: str
    address: str
    postcode: str
    hours: tuple
    free: str = TriState.YES
    wheelchair: str = TriState.UNKNOWN


@dataclass(frozen=True)
class DemoService:
    name_nl: str
    name_fr: str
    name_en: str
    description_nl: str
    description_fr: str
    description_en: str
    category: str
    point: tuple[float, float]
    address: str
    postcode: str
    hours: tuple
    languages: tuple = ("fr", "nl", "en")
    flags: dict = field(default_factory=dict)


# Plausible points, each checked with umbrella.areas.locate (tests/test_demo.py):
# the North quarter lies in Schaerbeek and Saint-Josse by the station, Alhambra
# and Yser in the City of Brussels, avenue Louise in the City and Ixelles.
TOILETS = (
    DemoToilet(
        "north-station",
        NORTH_STATION,
        "Demo — gratis toilet Noordstation (24/7)",
        "Démo — toilette gratuite gare du Nord (24 h/24)",
        "Demo — free toilet, North Station (24/7)",
        "Rue du Progrès / Vooruitgangstraat",
        "1030",
        ALWAYS,
        wheelchair=TriState.YES,
    ),
    DemoToilet(
        "aerschot",
        (50.8640, 4.3640),
        "Demo — gratis toilet Aarschotstraat",
        "Démo — toilette gratuite rue d'Aerschot",
        "Demo — free toilet, rue d'Aerschot",
        "Rue d'Aerschot / Aarschotstraat",
        "1030",
        _every_day(time(6), time(22)),
    ),
    DemoToilet(
        "yser",
        (50.8562, 4.3498),
        "Demo — gratis toilet IJzerplein (24/7)",
        "Démo — toilette gratuite place de l'Yser (24 h/24)",
        "Demo — free toilet, place de l'Yser (24/7)",
        "Place de l'Yser / IJzerplein",
        "1000",
        ALWAYS,
    ),
    DemoToilet(
        "alhambra",
        (50.8553, 4.3538),
        "Demo — gratis toilet Alhambra",
        "Démo — toilette gratuite Alhambra",
        "Demo — free toilet, Alhambra",
        "Rue de l'Alhambra / Alhambrastraat",
        "1000",
        _every_day(time(8), time(2)),
    ),
    DemoToilet(
        "louise",
        (50.8300, 4.3625),
        "Demo — gratis toilet Louizalaan (24/7)",
        "Démo — toilette gratuite avenue Louise (24 h/24)",
        "Demo — free toilet, avenue Louise (24/7)",
        "Avenue Louise / Louizalaan",
        "1050",
        ALWAYS,
    ),
    DemoToilet(
        "louise-paying",
        (50.8335, 4.3598),
        "Demo — betalend toilet Stefaniaplein",
        "Démo — toilette payante place Stéphanie",
        "Demo — paying toilet, place Stéphanie",
        "Place Stéphanie / Stefaniaplein",
        "1050",
        _every_day(time(7), time(23)),
        free=TriState.NO,
    ),
    DemoToilet(
        "toilet-1",
        (50.8530, 4.3690),
        "Demo — gratis toilet Sint-Joostplein",
        "Démo — toilette gratuite place Saint-Josse",
        "Demo — free toilet, place Saint-Josse",
        "Place Saint-Josse / Sint-Joostplein",
        "1210",
        _every_day(time(7), time(23)),
    ),
)

WEEKDAYS = range(5)
SERVICES = (
    DemoService(
        "Demo — inloopspreekuur gezondheid en soa-test",
        "Démo — permanence santé et dépistage IST",
        "Demo — drop-in health check and STI testing",
        "Voorbeeld: zonder afspraak, anoniem, gratis, ook zonder verblijfspapieren.",
        "Exemple : sans rendez-vous, anonyme, gratuit, aussi sans titre de séjour.",
        "Example: no appointment, anonymous, free, also without residence papers.",
        Category.HEALTH_TESTING,
        (50.8632, 4.3633),
        "Rue d'Aerschot / Aarschotstraat",
        "1030",
        tuple((d, time(10), time(20)) for d in WEEKDAYS) + ((5, time(12), time(18)),),
        ("fr", "nl", "en", "ro", "bg", "es", "pt"),
        {"anonymous": True, "free": True, "no_papers_needed": True, "no_appointment_needed": True},
    ),
    DemoService(
        "Demo — 's nachts ontmoeting en schadebeperking",
        "Démo — accueil de nuit et réduction des risques",
        "Demo — night drop-in and harm reduction",
        "Voorbeeld: condooms, glijmiddel, een luisterend oor, elke nacht.",
        "Exemple : préservatifs, lubrifiant, une écoute, chaque nuit.",
        "Example: condoms, lubricant, someone to talk to, every night.",
        Category.HARM_REDUCTION,
        (50.8557, 4.3528),
        "Boulevard d'Anvers / Antwerpselaan",
        "1000",
        _every_day(time(20), time(4)),
        ("fr", "nl", "en", "ro", "bg"),
        {"anonymous": True, "free": True, "no_papers_needed": True, "no_appointment_needed": True},
    ),
    DemoService(
        "Demo — sociaal en juridisch advies",
        "Démo — conseil social et juridique",
        "Demo — social and legal advice",
        "Voorbeeld: rechten, huisvesting, papieren; gratis, op afspraak of zonder.",
        "Exemple : droits, logement, papiers ; gratuit, avec ou sans rendez-vous.",
        "Example: rights, housing, papers; free, with or without an appointment.",
        Category.LEGAL_AID,
        (50.8312, 4.3612),
        "Avenue Louise / Louizalaan",
        "1050",
        tuple((d, time(9), time(17)) for d in WEEKDAYS),
        ("fr", "nl", "en", "es", "pt"),
        {"free": True, "no_papers_needed": True, "no_appointment_needed": True},
    ),
)


def set_up_demo(result: DemoResult) -> None:
    """Seed the real organisations, then add (or reset) the labelled demo rows.

    demo-staff (of the demo OCMW/CPAS Saint-Josse) becomes an editor of the
    seeded OCMW/CPAS Saint-Josse entry, to show per-organisation editing.
    """
    police_organisation = result.organisations[POLICE_ORGANISATION]
    public_service_organisation = result.organisations[PUBLIC_SERVICE_ORGANISATION]
    staff = result.users["demo-staff"]
    if Municipality.objects.count() < 19:
        # The demo stands on its own: `manage.py demo` on a database that
        # `make setup` has not filled yet loads the shipped geography first.
        load_brussels()
    load_directory()
    cpas = Organization.objects.get(slug="ocmw-cpas-21014")
    if cpas.accounts_organisation_id != public_service_organisation.pk:
        cpas.accounts_organisation = public_service_organisation
        actions.save_entry(cpas)
    actions.grant_editor(staff)
    for toilet in TOILETS:
        _reset_toilet(toilet)
    organisation = _reset_organisation()
    for service in SERVICES:
        _reset_service(service, organisation)
    zone = PoliceZone.objects.filter(code="5344").first()
    if zone is not None and not TraffickingReference.objects.filter(police_zone=zone).exists():
        actions.save_entry(
            TraffickingReference(
                police_zone=zone,
                function_nl="Referentiepersoon mensenhandel (demo)",
                function_fr="Personne de référence traite des êtres humains (démo)",
                function_en="Trafficking reference person (demo)",
                availability_nl="Demo: geen echte dienst.",
                availability_fr="Démo : pas un vrai service.",
                availability_en="Demo: not a real service.",
                accounts_organisation=police_organisation,
                is_demo=True,
                to_verify=True,
            )
        )


def _assign(instance, **values) -> None:
    for name, value in values.items():
        setattr(instance, name, value)


def _reset_hours(hours: tuple, **owner) -> None:
    current = sorted(
        RegularSchedule.objects.filter(**owner).values_list("weekday", "opens_at", "closes_at")
    )
    if current == sorted(hours):
        return
    RegularSchedule.objects.filter(**owner).delete()
    for day, opens, closes in hours:
        RegularSchedule.objects.create(weekday=day, opens_at=opens, closes_at=closes, **owner)


def _reset_location(location: Location, *, name: tuple, point, address, postcode, **extra):
    _assign(
        location,
        name_nl=name[0],
        name_fr=name[1],
        name_en=name[2],
        latitude=point[0],
        longitude=point[1],
        address=address,
        postcode=postcode,
        approximate=False,
        confidential=False,
        is_demo=True,
        to_verify=True,
        **extra,
    )
    actions.save_entry(location)
    return location


def _reset_toilet(spec: DemoToilet) -> Facility:
    facility = (
        Facility.objects.select_related("location")
        .filter(source=DEMO_TOILET_SOURCE, source_id=spec.source_id)
        .first()
    )
    location = facility.location if facility is not None else Location()
    _reset_location(
        location,
        name=(spec.name_nl, spec.name_fr, spec.name_en),
        point=spec.point,
        address=spec.address,
        postcode=spec.postcode,
        wheelchair_accessible=spec.wheelchair,
    )
    if facility is None:
        facility = Facility(location=location, source=DEMO_TOILET_SOURCE, source_id=spec.source_id)
    _assign(
        facility,
        kind=FacilityKind.TOILET,
        status=OperatingStatus.ACTIVE,
        free=spec.free,
        usable_by_women=TriState.YES,
        all_gender=TriState.YES,
        urinal_only=TriState.NO,
        baby_change=TriState.UNKNOWN,
        is_demo=True,
        to_verify=True,
    )
    actions.save_entry(facility)
    _reset_hours(spec.hours, facility=facility)
    return facility


def _reset_organisation() -> Organization:
    organisation = Organization.objects.filter(slug=DEMO_ORGANISATION_SLUG).first()
    organisation = organisation or Organization(slug=DEMO_ORGANISATION_SLUG)
    _assign(
        organisation,
        name="Demo — Umbrella",
        description_nl="Demo-organisatie: haar diensten zijn voorbeelden, geen echte plaatsen.",
        description_fr="Organisation de démo : ses services sont des exemples, pas de vrais lieux.",
        description_en="Demo organisation: its services are examples, not real places.",
        is_demo=True,
        to_verify=True,
    )
    actions.save_entry(organisation)
    return organisation


def _reset_service(spec: DemoService, organisation: Organization) -> ServiceAtLocation:
    service = Service.objects.filter(organization=organisation, name_en=spec.name_en).first()
    service = service or Service(organization=organisation)
    flags = {
        "anonymous": False,
        "free": False,
        "no_papers_needed": False,
        "no_appointment_needed": False,
        **spec.flags,
    }
    _assign(
        service,
        name_nl=spec.name_nl,
        name_fr=spec.name_fr,
        name_en=spec.name_en,
        description_nl=spec.description_nl,
        description_fr=spec.description_fr,
        description_en=spec.description_en,
        category=spec.category,
        status=OperatingStatus.ACTIVE,
        is_demo=True,
        to_verify=True,
        **flags,
    )
    actions.save_entry(service)
    if sorted(service.languages.values_list("language", flat=True)) != sorted(spec.languages):
        service.languages.all().delete()
        for code in spec.languages:
            ServiceLanguage.objects.create(service=service, language=code)
    at = service.service_at_locations.select_related("location").first()
    location = at.location if at is not None else Location(organization=organisation)
    _reset_location(
        location,
        name=(spec.name_nl, spec.name_fr, spec.name_en),
        point=spec.point,
        address=spec.address,
        postcode=spec.postcode,
    )
    if at is None:
        at = ServiceAtLocation(service=service, location=location)
    _assign(at, is_demo=True, to_verify=True)
    at.save()
    _reset_hours(spec.hours, service_at_location=at)
    return at

"""The world of the report pages' tests (``world``): Saint-Josse's municipality, zone 5344's
police, an outreach organisation that mediates, and four categories — litter (to the
municipality), public urination (to the municipality, with toilets), harassment of sex workers
(to outreach, to the police only if asked) and suspected trafficking (confidential, to the zone's
police reference). Reports are made through the real action, as the form does.
"""

from __future__ import annotations

from dataclasses import dataclass

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import Organisation, OrganisationKind, Role
from umbrella.areas.models import Municipality, PoliceZone
from umbrella.reports import actions
from umbrella.reports.models import (
    Body,
    BodyKind,
    Category,
    GuardTerm,
    GuardTermKind,
    RoutingCondition,
    RoutingRule,
    RoutingTarget,
)
from umbrella.reports.tests.conftest import SAINT_JOSSE
from umbrella.testing import PERSONA_PASSWORD

# Uccle (21016, zone 5342).
UCCLE = (50.8000, 4.3400)
# Paris: outside the region.
PARIS = (48.8566, 2.3522)


@dataclass
class World:
    saint_josse: Body
    schaerbeek: Body
    police: Body
    outreach: Body
    litter: Category
    urination: Category
    harassment: Category
    trafficking: Category
    other_officer: object


def _category(code, name_en, name_fr, name_nl, **flags) -> Category:
    return Category.objects.create(
        code=code, group="public_space", name_en=name_en, name_fr=name_fr, name_nl=name_nl, **flags
    )


def _rule(category, target, body=None, condition=RoutingCondition.ALWAYS) -> None:
    RoutingRule.objects.create(category=category, target=target, body=body, condition=condition)


def build_world(people) -> World:
    """Create the bodies, categories and routing rules the page tests use."""
    municipality_org = Organisation.objects.get(
        nis_code="21014", kind=OrganisationKind.MUNICIPALITY
    )
    police_org = Organisation.objects.get(zone_code="5344", kind=OrganisationKind.POLICE_ZONE)
    outreach_org = Organisation.objects.get(kind=OrganisationKind.SUPPORT_ORGANISATION)
    schaerbeek_org = accounts.ensure_organisation(
        "Schaerbeek (test)", OrganisationKind.MUNICIPALITY, nis_code="21015"
    )
    other_officer = accounts.create_account(
        "schaerbeek-officer", Role.MUNICIPALITY_OFFICER, password=PERSONA_PASSWORD
    )
    accounts.add_membership(other_officer, schaerbeek_org)
    saint_josse = Body.objects.create(
        code="municipality-21014",
        kind=BodyKind.MUNICIPALITY,
        name_en="Saint-Josse-ten-Noode",
        name_fr="Saint-Josse-ten-Noode",
        name_nl="Sint-Joost-ten-Node",
        organisation=municipality_org,
        municipality=Municipality.objects.get(nis_code="21014"),
    )
    schaerbeek = Body.objects.create(
        code="municipality-21015",
        kind=BodyKind.MUNICIPALITY,
        name_en="Schaerbeek",
        name_fr="Schaerbeek",
        name_nl="Schaarbeek",
        organisation=schaerbeek_org,
        municipality=Municipality.objects.get(nis_code="21015"),
    )
    police = Body.objects.create(
        code="zone-5344",
        kind=BodyKind.POLICE_ZONE,
        name_en="Police zone Brussels-North",
        name_fr="Zone de police Bruxelles-Nord",
        name_nl="Politiezone Brussel-Noord",
        organisation=police_org,
        police_zone=PoliceZone.objects.get(code="5344"),
    )
    outreach = Body.objects.create(
        code="outreach",
        kind=BodyKind.SUPPORT_ORGANISATION,
        name_en="Outreach team",
        name_fr="Travail de rue",
        name_nl="Straathoekwerk",
        organisation=outreach_org,
        mediates=True,
    )
    litter = _category("litter", "Litter and needles", "Déchets et seringues", "Afval en naalden")
    urination = _category(
        "public-urination", "Public urination", "Uriner en rue", "Wildplassen", shows_toilets=True
    )
    harassment = _category(
        "harassment",
        "Harassment of or violence against sex workers",
        "Harcèlement ou violence envers des travailleuses du sexe",
        "Intimidatie van of geweld tegen sekswerkers",
        offers_police=True,
        guarded=False,
    )
    trafficking = _category(
        "trafficking",
        "Suspected trafficking or exploitation",
        "Soupçon de traite ou d'exploitation",
        "Vermoeden van mensenhandel of uitbuiting",
        confidential=True,
        offers_victim_support=True,
        guarded=False,
    )
    _rule(litter, RoutingTarget.MUNICIPALITY)
    _rule(urination, RoutingTarget.MUNICIPALITY)
    _rule(harassment, RoutingTarget.BODY, outreach)
    _rule(harassment, RoutingTarget.POLICE_ZONE, condition=RoutingCondition.REPORTER_ASKS_POLICE)
    _rule(trafficking, RoutingTarget.POLICE_ZONE)
    GuardTerm.objects.create(kind=GuardTermKind.PERSON, language="en", term="prostitute*")
    GuardTerm.objects.create(kind=GuardTermKind.PRESENCE, language="en", term="always here")
    return World(
        saint_josse,
        schaerbeek,
        police,
        outreach,
        litter,
        urination,
        harassment,
        trafficking,
        other_officer,
    )


def make_report(category, point=SAINT_JOSSE, text="Broken glass all over the pavement.", **extra):
    """Make a report through the action, as the form does; return (report, code)."""
    submitted = actions.submit_report(
        category=category,
        lat=point[0],
        lon=point[1],
        description=text,
        reporter_kind=extra.pop("reporter_kind", "resident"),
        language=extra.pop("language", "en"),
        client_key=extra.pop("client_key", "test-client"),
        **extra,
    )
    return submitted.report, submitted.follow_up_code


def form_data(category="litter", point=SAINT_JOSSE, **fields):
    data = {
        "category": category,
        "lat": str(point[0]) if point else "",
        "lon": str(point[1]) if point else "",
        "description": "Broken glass all over the pavement.",
        "reporter_kind": "resident",
        "email": "",
        "website": "",
    }
    data.update(fields)
    return data

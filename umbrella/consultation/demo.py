"""The consultation part of ``manage.py demo``, called by ``umbrella.accounts.demo.create_demo``
inside its transaction with the demo's result (users and organisations).

It loads the real seeds (recommendations, municipal rules), sets up the
regional platform and three working groups, gives the demo organisations
their seats, and (re)creates two demo meetings around today: a public one
six weeks ago whose minutes were approved two weeks ago and published, and
a public one in ten days with its agenda. The demo outreach organisation sits
as a field organisation, so the representation page shows the sex-worker
seat as missing, as it is in this demo.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.management import call_command
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import OrganisationKind
from umbrella.consultation.meetings import actions
from umbrella.consultation.meetings.models import Meeting, Minutes, Visibility
from umbrella.consultation.members import actions as member_actions
from umbrella.consultation.members.models import BodyKind, MemberCategory, Position
from umbrella.consultation.members.queries import PLATFORM_SLUG

REGION_ORGANISATION = "Brussels-Capital Region, platform secretariat (demo)"
WORKING_GROUPS = {
    "north-quarter": ("Noordwijk", "Quartier Nord", "North quarter"),
    "health": ("Gezondheid", "Santé", "Health"),
    "safety": ("Veiligheid", "Sécurité", "Safety"),
}
# username → (organisation name or None for the Region's, category, position)
SEATS = {
    "demo-secretary": (None, MemberCategory.REGION, Position.SECRETARY),
    "demo-municipality": ("Saint-Josse-ten-Noode (demo)", MemberCategory.MUNICIPALITY, None),
    "demo-staff": ("OCMW/CPAS Saint-Josse (demo)", MemberCategory.OCMW_CPAS, None),
    "demo-police": ("Police zone Bruxelles-Nord 5344 (demo)", MemberCategory.POLICE_ZONE, None),
    "demo-outreach": (
        "Demo outreach organisation (demo)",
        MemberCategory.FIELD_ORGANISATION,
        None,
    ),
}
PAST_TITLE = "Plenary meeting (demo)"
APPROVING_TITLE = "Plenary meeting: follow-up (demo)"
UPCOMING_TITLE = "Plenary meeting: public toilets (demo)"


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _weekday(day):
    """Return ``day``, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def set_up_demo(result) -> None:
    """Create or reset the consultation app's demo rows; safe to run again."""
    call_command("load_consultation", verbosity=0)
    secretary = result.users["demo-secretary"]
    platform = member_actions.ensure_body(
        PLATFORM_SLUG,
        BodyKind.PLATFORM,
        name_nl="Gewestelijk overlegplatform sekswerk",
        name_fr="Plateforme régionale de concertation sur le travail du sexe",
        name_en="Regional consultation platform on sex work",
    )
    for slug, (nl, fr, en) in WORKING_GROUPS.items():
        member_actions.ensure_body(
            slug, BodyKind.WORKING_GROUP, parent=platform, name_nl=nl, name_fr=fr, name_en=en
        )
    region = accounts_actions.ensure_organisation(
        REGION_ORGANISATION, OrganisationKind.REGIONAL_BODY
    )
    for username, (organisation_name, category, position) in SEATS.items():
        organisation = (
            region if organisation_name is None else result.organisations[organisation_name]
        )
        member_actions.add_member(
            platform,
            by=secretary,
            organisation=organisation,
            representative=result.users[username],
            category=category,
            position=position or Position.MEMBER,
        )
    _reset_demo_meetings(platform, secretary)


def _reset_demo_meetings(platform, secretary) -> None:
    titles = (PAST_TITLE, APPROVING_TITLE, UPCOMING_TITLE)
    old = Meeting.objects.filter(body=platform, created_by=secretary, title_en__in=titles)
    # Minutes point at the meeting that approved them (protected): remove them first.
    Minutes.objects.filter(meeting__in=old).delete()
    old.delete()

    now = timezone.now()
    today = timezone.localdate(now)
    past = _meeting(platform, secretary, PAST_TITLE, _weekday(today - timedelta(days=42)), now)
    approving = _meeting(
        platform, secretary, APPROVING_TITLE, _weekday(today - timedelta(days=14)), now
    )
    upcoming = _meeting(
        platform, secretary, UPCOMING_TITLE, _weekday(today + timedelta(days=10)), now
    )
    for held in (past, approving, upcoming):
        actions.add_agenda_item(
            held,
            by=secretary,
            title_nl="Opening en goedkeuring van de notulen",
            title_fr="Ouverture et approbation du procès-verbal",
            title_en="Opening and approval of the minutes",
            duration_minutes=15,
        )
        toilets = actions.add_agenda_item(
            held,
            by=secretary,
            title_nl="Openbare toiletten",
            title_fr="Toilettes publiques",
            title_en="Public toilets",
            duration_minutes=45,
        )
        actions.add_agenda_item(
            held,
            by=secretary,
            parent=toilets,
            title_nl="Noordwijk: stand van zaken",
            title_fr="Quartier Nord : état des lieux",
            title_en="North quarter: where things stand",
            duration_minutes=20,
        )
        actions.invite_members(held, by=secretary, now=held.starts_at - timedelta(days=21))
    minutes = actions.save_minutes(
        past,
        by=secretary,
        text_nl="Demonotulen: het platform besprak de openbare toiletten in de Noordwijk.",
        text_fr="Procès-verbal de démonstration : la plateforme a discuté des toilettes "
        "publiques dans le quartier Nord.",
        text_en="Demo minutes: the platform discussed public toilets in the North quarter.",
        now=past.ends_at,
    )
    minutes = actions.approve_minutes(
        minutes, by=secretary, at_meeting=approving, now=approving.starts_at + timedelta(minutes=10)
    )
    actions.publish_minutes(minutes, by=secretary, now=approving.ends_at)


def _meeting(platform, secretary, title_en: str, day, now) -> Meeting:
    names = {
        PAST_TITLE: ("Plenaire vergadering (demo)", "Séance plénière (démo)"),
        APPROVING_TITLE: (
            "Plenaire vergadering: opvolging (demo)",
            "Séance plénière : suivi (démo)",
        ),
        UPCOMING_TITLE: (
            "Plenaire vergadering: openbare toiletten (demo)",
            "Séance plénière : toilettes publiques (démo)",
        ),
    }
    title_nl, title_fr = names[title_en]
    return actions.create_meeting(
        platform,
        by=secretary,
        title_nl=title_nl,
        title_fr=title_fr,
        title_en=title_en,
        starts_at=_at(day, 14),
        ends_at=_at(day, 16),
        place="Parlement bruxellois / Brussels Parlement, rue du Lombard 69, 1000 Bruxelles",
        visibility=Visibility.PUBLIC,
        now=min(now, _at(day, 14) - timedelta(days=21)),
    )

"""Helpers of the meetings and members tests (no tests here): bodies, seats, meetings."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Organisation, Role, User
from umbrella.consultation import actions_meetings as actions
from umbrella.consultation.models import (
    Body,
    BodyKind,
    Meeting,
    Member,
    MemberCategory,
    Position,
    Visibility,
)

# The fixtures; test modules take them with a star import.
__all__ = ["closed_meeting", "platform", "public_meeting", "seats", "secretary"]

BRUSSELS = ZoneInfo("Europe/Brussels")
# A Thursday morning in Brussels (winter time).
NOW = datetime(2026, 11, 12, 10, 0, tzinfo=BRUSSELS)


def make_secretary(username: str = "secretary") -> User:
    from umbrella.testing import _persona_password_hash

    return accounts_actions.create_account(
        username, Role.PLATFORM_SECRETARY, password_hash=_persona_password_hash()
    )


def make_platform() -> Body:
    return actions.ensure_body(
        "regional-platform",
        BodyKind.PLATFORM,
        name_nl="Regionaal overlegplatform",
        name_fr="Plateforme régionale de concertation",
        name_en="Regional consultation platform",
    )


def organisation_of(user: User) -> Organisation:
    return user.memberships.select_related("organisation").first().organisation


def seat(
    body: Body,
    user: User,
    category: str,
    position: str = Position.MEMBER,
    organisation: Organisation | None = None,
) -> Member:
    return Member.objects.create(
        body=body,
        organisation=organisation or organisation_of(user),
        representative=user,
        category=category,
        position=position,
        joined_on=NOW.date() - timedelta(days=30),
    )


def meeting(
    body: Body,
    by: User,
    *,
    starts_at: datetime,
    visibility: str = Visibility.PUBLIC,
    title: str = "Plenary",
    hours: int = 2,
) -> Meeting:
    return actions.create_meeting(
        body,
        by=by,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        title_en=title,
        title_nl=f"{title} (nl)",
        title_fr=f"{title} (fr)",
        place="Regional parliament, room 1",
        visibility=visibility,
        now=starts_at - timedelta(days=30),
    )


@pytest.fixture
def secretary(db) -> User:
    return make_secretary()


@pytest.fixture
def platform(db) -> Body:
    return make_platform()


@pytest.fixture
def seats(personas, platform):
    """The municipality officer, police and OCMW/CPAS staff hold seats; the outreach worker
    represents sex workers; the resident and the outsider hold none."""
    return {
        "municipality": seat(platform, personas.municipality, MemberCategory.MUNICIPALITY),
        "police": seat(platform, personas.police, MemberCategory.POLICE_ZONE, Position.CHAIR),
        "staff": seat(platform, personas.staff, MemberCategory.OCMW_CPAS),
        "outreach": seat(platform, personas.outreach, MemberCategory.SEX_WORKER_REPRESENTATIVE),
    }


@pytest.fixture
def public_meeting(platform, secretary):
    return meeting(platform, secretary, starts_at=NOW + timedelta(days=7), title="Open plenary")


@pytest.fixture
def closed_meeting(platform, secretary):
    return meeting(
        platform,
        secretary,
        starts_at=NOW + timedelta(days=8),
        visibility=Visibility.MEMBERS,
        title="Closed session",
    )


def aware(*args) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


def now() -> datetime:
    return timezone.now()

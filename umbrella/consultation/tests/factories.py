"""Small factories for the consultation tests: recommendations, the platform's secretary,
the regional platform, seats and meetings. (The fixtures built on them: conftest.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Organisation, Role, User
from umbrella.consultation.meetings import actions as meeting_actions
from umbrella.consultation.meetings.models import Meeting, Visibility
from umbrella.consultation.members import actions as member_actions
from umbrella.consultation.members.models import Body, BodyKind, Member, Position
from umbrella.consultation.tracker.models import Recommendation, TrackerStatus

BRUSSELS = ZoneInfo("Europe/Brussels")
# A Thursday morning in Brussels (winter time).
NOW = datetime(2026, 11, 12, 10, 0, tzinfo=BRUSSELS)

_counter = {"n": 0}


def recommendation(
    title: str = "",
    *,
    parent: Recommendation | None = None,
    weight: int = 1,
    status: str = TrackerStatus.NOT_STARTED,
    progress: int = 0,
    slug: str | None = None,
) -> Recommendation:
    _counter["n"] += 1
    n = _counter["n"]
    return Recommendation.objects.create(
        slug=slug or f"rec-{n}",
        number=str(n),
        position=n,
        parent=parent,
        weight=weight,
        title_en=title or f"Recommendation {n}",
        title_nl=f"Aanbeveling {n}",
        title_fr=f"Recommandation {n}",
        status=status,
        progress=progress,
        updated_at=timezone.now(),
    )


def secretary(username: str = "secretary") -> User:
    from umbrella.testing import _persona_password_hash

    return accounts_actions.create_account(
        username, Role.PLATFORM_SECRETARY, password_hash=_persona_password_hash()
    )


def platform() -> Body:
    return member_actions.ensure_body(
        "regional-platform",
        BodyKind.PLATFORM,
        name_nl="Regionaal overlegplatform",
        name_fr="Plateforme régionale de concertation",
        name_en="Regional consultation platform",
    )


def organisation_of(user: User) -> Organisation:
    membership = user.memberships.select_related("organisation").first()
    assert membership is not None, f"{user} belongs to an organisation"
    return membership.organisation


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
    return meeting_actions.create_meeting(
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


def aware(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)

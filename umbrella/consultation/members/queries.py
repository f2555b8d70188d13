"""Read-only questions about bodies and members (other apps may ask them).

Who sits where, and who manages: the secretary manages every body, a chair
the body she chairs. Members (an active seat in any body) and the platform
secretary see more of the meetings (``meetings/queries.py``) and read the
tracker's comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from umbrella.accounts.models import Role
from umbrella.consultation.members.models import (
    Body,
    BodyKind,
    Member,
    MemberCategory,
    Position,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PLATFORM_SLUG = "regional-platform"


def _today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())


def _person(user):
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user


def active_members(today: date | None = None) -> QuerySet[Member]:
    today = today or _today()
    return Member.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))


def member_seats(user, today: date | None = None) -> QuerySet[Member]:
    """Return the active seats ``user`` holds, the regional platform's first."""
    person = _person(user)
    if person is None:
        return Member.objects.none()
    return (
        active_members(today)
        .filter(representative=person)
        .select_related("body", "organisation")
        .order_by("body__kind", "pk")
    )


def member_of(user, today: date | None = None) -> Member | None:
    """Return the seat ``user`` holds (the regional platform's first), or ``None``."""
    return member_seats(user, today).first()


def is_secretary(user) -> bool:
    person = _person(user)
    return person is not None and person.role == Role.PLATFORM_SECRETARY


def is_member(user) -> bool:
    """Answer whether ``user`` sits on the platform or one of its groups (or is its secretary)."""
    return is_secretary(user) or member_seats(user).exists()


def managed_bodies(user) -> QuerySet[Body]:
    """Return the bodies ``user`` manages: every one for the secretary; for a chair, the
    body (the platform or a working group) whose chair she is, and no other."""
    if is_secretary(user):
        return Body.objects.all()
    chaired = member_seats(user).filter(position=Position.CHAIR).values("body_id")
    return Body.objects.filter(pk__in=chaired)


def can_manage(user, body: Body | None = None) -> bool:
    """Answer whether ``user`` manages the meetings, minutes and members of ``body`` (without a
    body: of at least one body): the secretary all of them, a chair the body she chairs."""
    if is_secretary(user):
        return True
    bodies = managed_bodies(user)
    if body is None:
        return bodies.exists()
    return bodies.filter(pk=body.pk).exists()


def regional_platform() -> Body | None:
    return Body.objects.filter(kind=BodyKind.PLATFORM).order_by("pk").first()


@dataclass
class CategorySeats:
    category: str
    label: StrOrPromise
    members: list[Member]

    @property
    def filled(self) -> int:
        return len(self.members)


def representation(body: Body, today: date | None = None) -> list[CategorySeats]:
    """Return, for every member category of the resolution, who sits at ``body``'s table."""
    seats = list(
        active_members(today)
        .filter(body=body)
        .select_related("organisation", "representative")
        .order_by("organisation__name")
    )
    return [
        CategorySeats(
            category=value,
            label=label,
            members=[seat for seat in seats if seat.category == value],
        )
        for value, label in MemberCategory.choices
    ]

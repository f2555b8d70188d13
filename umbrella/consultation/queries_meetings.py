"""Read-only questions about bodies, members and meetings (other apps may ask them).

The visibility rule in one place: the public sees public meetings and
published minutes; members (and the platform secretary) also see
members-only meetings and minutes that are not published yet; the secretary
and the chair manage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from umbrella.accounts.models import Role
from umbrella.consultation.models import (
    Body,
    BodyKind,
    Decision,
    Meeting,
    Member,
    MemberCategory,
    Minutes,
    MinutesStatus,
    Participation,
    Position,
    Reminder,
    Visibility,
)

PLATFORM_SLUG = "regional-platform"
# Members are reminded by e-mail this long before a meeting starts.
REMIND_BEFORE = timedelta(hours=24)


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


def visible_meetings(user) -> QuerySet[Meeting]:
    """Return the meetings ``user`` may see: public ones, and members-only ones for members."""
    meetings = Meeting.objects.select_related("body")
    if is_member(user):
        return meetings
    return meetings.filter(visibility=Visibility.PUBLIC)


def can_see_meeting(user, meeting: Meeting) -> bool:
    return meeting.visibility == Visibility.PUBLIC or is_member(user)


def can_see_minutes(user, minutes: Minutes | None) -> bool:
    """Published minutes of a visible meeting for everyone; drafts for members only."""
    if minutes is None or not can_see_meeting(user, minutes.meeting):
        return False
    return minutes.status == MinutesStatus.PUBLISHED or is_member(user)


def upcoming_meetings(user, limit: int = 5, now: datetime | None = None) -> list[Meeting]:
    """Return the next meetings ``user`` may see, soonest first (those under way included)."""
    now = now or timezone.now()
    return list(visible_meetings(user).filter(ends_at__gte=now).order_by("starts_at")[:limit])


def past_meetings(user, limit: int = 20, now: datetime | None = None) -> list[Meeting]:
    now = now or timezone.now()
    return list(
        visible_meetings(user)
        .filter(ends_at__lt=now)
        .select_related("minutes")
        .order_by("-starts_at")[:limit]
    )


def public_decisions() -> QuerySet[Decision]:
    """Return the decisions the public may read: of public meetings with published minutes."""
    return Decision.objects.filter(
        meeting__visibility=Visibility.PUBLIC, meeting__minutes__status=MinutesStatus.PUBLISHED
    ).select_related("meeting")


def visible_decisions(user) -> QuerySet[Decision]:
    if is_member(user):
        return Decision.objects.select_related("meeting")
    return public_decisions()


def participation(meeting: Meeting, member: Member | None) -> Participation | None:
    if member is None:
        return None
    return Participation.objects.filter(meeting=meeting, member=member).first()


def agenda(meeting: Meeting) -> list:
    """Return the agenda's top-level items, each with ``sub_items`` and ``docs`` loaded."""
    items = list(meeting.agenda_items.prefetch_related("documents").order_by("order", "pk"))
    by_parent: dict[int | None, list] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)
    for item in items:
        item.sub_items = by_parent.get(item.pk, [])
        item.docs = list(item.documents.all())
    return by_parent.get(None, [])


def agenda_minutes(meeting: Meeting) -> int:
    """Return the agenda's total duration in minutes (sub-points count inside their parent
    when the parent has none of its own)."""
    total = 0
    for item in agenda(meeting):
        own = item.duration_minutes or 0
        children = sum(sub.duration_minutes or 0 for sub in item.sub_items)
        total += max(own, children)
    return total


@dataclass
class CategorySeats:
    category: str
    label: str
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


def due_reminders(now: datetime, limit: int = 50) -> list[Participation]:
    """Return invited or registered members of meetings starting within ``REMIND_BEFORE``
    who have no reminder row yet (each reminder is sent once)."""
    today = _today(now)
    return list(
        Participation.objects.filter(
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + REMIND_BEFORE,
        )
        .filter(Q(invited_at__isnull=False) | Q(registered_at__isnull=False))
        .filter(Q(member__left_on__isnull=True) | Q(member__left_on__gt=today))
        .filter(
            ~Exists(Reminder.objects.filter(meeting=OuterRef("meeting"), member=OuterRef("member")))
        )
        .select_related("meeting", "member__representative")
        .order_by("meeting__starts_at", "pk")[:limit]
    )

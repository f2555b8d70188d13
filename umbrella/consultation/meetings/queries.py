"""Read-only questions about meetings, minutes and decisions (other apps may ask them).

The visibility rule in one place: the public sees public meetings and
published minutes; members (and the platform secretary) also see
members-only meetings and minutes that are not published yet. Who is a
member and who manages: ``members/queries.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from umbrella.consultation.meetings.models import (
    Decision,
    Meeting,
    Minutes,
    MinutesStatus,
    Participation,
    Reminder,
    Visibility,
)
from umbrella.consultation.members.models import Member
from umbrella.consultation.members.queries import is_member

# Members are reminded by e-mail this long before a meeting starts.
REMIND_BEFORE = timedelta(hours=24)


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


def due_reminders(now: datetime, limit: int = 50) -> list[Participation]:
    """Return invited or registered members of meetings starting within ``REMIND_BEFORE``
    who have no reminder row yet (each reminder is sent once)."""
    today = timezone.localdate(now)
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

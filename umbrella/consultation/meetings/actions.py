"""Every change to meetings, their agenda, documents, invitations, attendance, minutes and
decisions; each one transaction.

An action refuses with ``ConsultationError`` (or its ``NotAllowed``) whose
message is a translated sentence the page or API shows as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from umbrella.consultation.exceptions import ConsultationError, NotAllowed
from umbrella.consultation.meetings import mail
from umbrella.consultation.meetings.models import (
    MINUTES_TRANSITIONS,
    AgendaDocument,
    AgendaItem,
    Decision,
    MailKind,
    Meeting,
    MeetingMail,
    Minutes,
    MinutesComment,
    MinutesStatus,
    Participation,
    Visibility,
)
from umbrella.consultation.meetings.uploads import checked_upload
from umbrella.consultation.members import queries as member_queries
from umbrella.consultation.members.actions import require_manager
from umbrella.consultation.members.models import Body, BodyKind, Member

MAX_AGENDA_MINUTES = 600
MAX_COMMENT_LENGTH = 4000


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# --- Meetings ----------------------------------------------------------------


def _check_titles(titles: dict[str, str]) -> dict[str, str]:
    titles = {key: (value or "").strip() for key, value in titles.items()}
    if not any(titles.values()):
        raise ConsultationError(_("Give the meeting a title in at least one language."), "title_en")
    return titles


@transaction.atomic
def create_meeting(
    body: Body,
    *,
    by,
    starts_at: datetime,
    ends_at: datetime,
    title_nl: str = "",
    title_fr: str = "",
    title_en: str = "",
    place: str = "",
    online_url: str = "",
    visibility: str = Visibility.PUBLIC,
    now: datetime | None = None,
) -> Meeting:
    """Plan a meeting of ``body``; it needs a place or an online link."""
    require_manager(by, body)
    now = _now(now)
    titles = _check_titles({"title_nl": title_nl, "title_fr": title_fr, "title_en": title_en})
    if ends_at <= starts_at:
        raise ConsultationError(_("The meeting must end after it starts."), "ends_at")
    if not (place or "").strip() and not (online_url or "").strip():
        raise ConsultationError(_("Give a place, an online link, or both."), "place")
    if visibility not in Visibility.values:
        raise ConsultationError(_("Choose who may see the meeting."), "visibility")
    return Meeting.objects.create(
        body=body,
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        online_url=(online_url or "").strip(),
        visibility=visibility,
        created_by=by,
        created_at=now,
        updated_at=now,
        **titles,
    )


@transaction.atomic
def add_agenda_item(
    meeting: Meeting,
    *,
    by,
    duration_minutes: int,
    title_nl: str = "",
    title_fr: str = "",
    title_en: str = "",
    parent: AgendaItem | None = None,
) -> AgendaItem:
    """Add a point (or, with ``parent``, a sub-point) at the end of the agenda."""
    require_manager(by, meeting.body)
    titles = {"title_nl": title_nl, "title_fr": title_fr, "title_en": title_en}
    titles = {key: (value or "").strip() for key, value in titles.items()}
    if not any(titles.values()):
        raise ConsultationError(
            _("Give the agenda item a title in at least one language."), "title_en"
        )
    if not (0 < duration_minutes <= MAX_AGENDA_MINUTES):
        raise ConsultationError(
            _("The duration must be between 1 and %(max)d minutes.") % {"max": MAX_AGENDA_MINUTES},
            "duration_minutes",
        )
    if parent is not None:
        if parent.meeting_id != meeting.pk:
            raise ConsultationError(_("Choose a point of this meeting's agenda."), "parent")
        if parent.parent_id is not None:
            raise ConsultationError(_("Sub-points cannot have sub-points of their own."), "parent")
    siblings = meeting.agenda_items.filter(parent=parent)
    order = (siblings.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return AgendaItem.objects.create(
        meeting=meeting, parent=parent, order=order, duration_minutes=duration_minutes, **titles
    )


@transaction.atomic
def attach_document(
    item: AgendaItem,
    *,
    by,
    title: str,
    upload=None,
    url: str = "",
    now: datetime | None = None,
) -> AgendaDocument:
    """Attach an uploaded file (checked for type and size) or a link to an agenda item."""
    require_manager(by, item.meeting.body)
    title = (title or "").strip()
    if not title:
        raise ConsultationError(_("Give the document a title."), "title")
    url = (url or "").strip()
    if upload is None and not url:
        raise ConsultationError(_("Choose a file or give a link."), "file")
    if upload is not None and url:
        raise ConsultationError(_("Choose a file or give a link, not both."), "url")
    document = AgendaDocument(agenda_item=item, title=title, url=url, added_at=_now(now))
    if upload is not None:
        extension, content_type = checked_upload(upload)
        document.content_type = content_type
        document.size = upload.size
        # A random name: the original may carry a person's name, and the file
        # is only ever served through the document view.
        document.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
    document.save()
    return document


@transaction.atomic
def invite_members(meeting: Meeting, *, by, now: datetime | None = None) -> int:
    """Invite every active member of the meeting's body; return how many were newly invited."""
    require_manager(by, meeting.body)
    now = _now(now)
    invited = []
    for member in (
        member_queries.active_members(timezone.localdate(now))
        .filter(body=meeting.body)
        .select_related("representative")
    ):
        participation, created = Participation.objects.get_or_create(
            meeting=meeting, member=member, defaults={"invited_at": now}
        )
        if not created and participation.invited_at is not None:
            continue
        if not created:
            participation.invited_at = now
            participation.save(update_fields=["invited_at"])
        invited.append(member)
    # One queued row per member with an address; sent by the worker (and right after the
    # commit, so nobody is e-mailed about an invitation that was rolled back).
    MeetingMail.objects.bulk_create(
        MeetingMail(
            meeting=meeting,
            member=member,
            kind=MailKind.INVITATION,
            created_at=now,
            due_at=now,
        )
        for member in invited
        if (member.representative.email or "").strip()
    )
    transaction.on_commit(lambda: mail.send_invitations_now(meeting.pk))
    return len(invited)


def _seat_for(meeting: Meeting, user, today: date) -> Member | None:
    seats = member_queries.member_seats(user, today)
    return (
        seats.filter(body=meeting.body).first()
        or seats.filter(body__kind=BodyKind.PLATFORM).first()
    )


@transaction.atomic
def register(meeting: Meeting, *, user, now: datetime | None = None) -> Participation:
    """Register ``user``'s seat for a meeting that has not started."""
    now = _now(now)
    member = _seat_for(meeting, user, timezone.localdate(now))
    if member is None:
        raise NotAllowed(_("Only members of the platform can register for its meetings."))
    if meeting.starts_at <= now:
        raise ConsultationError(_("This meeting has already started."))
    participation, _created = Participation.objects.get_or_create(meeting=meeting, member=member)
    if participation.registered_at is None:
        participation.registered_at = now
        participation.save(update_fields=["registered_at"])
    return participation


@transaction.atomic
def cancel_registration(meeting: Meeting, *, user, now: datetime | None = None) -> bool:
    now = _now(now)
    member = _seat_for(meeting, user, timezone.localdate(now))
    if member is None:
        return False
    return bool(
        Participation.objects.filter(
            meeting=meeting, member=member, registered_at__isnull=False
        ).update(registered_at=None)
    )


@transaction.atomic
def record_attendance(
    meeting: Meeting, *, by, present: Iterable[int], now: datetime | None = None
) -> int:
    """Record who was present (member ids); every other participant is marked absent."""
    require_manager(by, meeting.body)
    now = _now(now)
    if meeting.starts_at > now:
        raise ConsultationError(_("Attendance can be recorded once the meeting has started."))
    present_ids = set(present)
    allowed = set(meeting.body.members.values_list("pk", flat=True))
    if not present_ids <= allowed:
        raise ConsultationError(_("Choose members of this body."), "present")
    for member_id in present_ids:
        Participation.objects.get_or_create(meeting=meeting, member_id=member_id)
    Participation.objects.filter(meeting=meeting, member_id__in=present_ids).update(attended=True)
    Participation.objects.filter(meeting=meeting).exclude(member_id__in=present_ids).update(
        attended=False
    )
    return len(present_ids)


# --- Minutes -------------------------------------------------------------------


def _transition(minutes: Minutes, to: str) -> None:
    if to not in MINUTES_TRANSITIONS[minutes.status]:
        raise ConsultationError(
            _("Minutes that are %(current)s cannot become %(target)s.")
            % {
                "current": MinutesStatus(minutes.status).label,
                "target": MinutesStatus(to).label,
            }
        )
    minutes.status = to


@transaction.atomic
def save_minutes(
    meeting: Meeting,
    *,
    by,
    text_nl: str = "",
    text_fr: str = "",
    text_en: str = "",
    now: datetime | None = None,
) -> Minutes:
    """Write or rewrite the draft minutes of a meeting that has started."""
    require_manager(by, meeting.body)
    now = _now(now)
    if meeting.starts_at > now:
        raise ConsultationError(_("Minutes can be written once the meeting has started."))
    texts = {"text_nl": text_nl, "text_fr": text_fr, "text_en": text_en}
    texts = {key: (value or "").strip() for key, value in texts.items()}
    if not any(texts.values()):
        raise ConsultationError(_("Write the minutes in at least one language."), "text_en")
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return Minutes.objects.create(meeting=meeting, updated_at=now, **texts)
    if minutes.status != MinutesStatus.DRAFT:
        raise ConsultationError(_("Only draft minutes can be changed."))
    for key, value in texts.items():
        setattr(minutes, key, value)
    minutes.updated_at = now
    minutes.save()
    return minutes


def _locked(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)


@transaction.atomic
def approve_minutes(
    minutes: Minutes, *, by, at_meeting: Meeting, now: datetime | None = None
) -> Minutes:
    """Approve draft minutes at a later meeting of the same body, once that one has started."""
    require_manager(by, minutes.meeting.body)
    now = _now(now)
    minutes = _locked(minutes)
    if at_meeting.body_id != minutes.meeting.body_id or (
        at_meeting.starts_at <= minutes.meeting.starts_at
    ):
        raise ConsultationError(
            _("Minutes are approved by a later meeting of the same body."), "at_meeting"
        )
    if at_meeting.starts_at > now:
        raise ConsultationError(
            _("Minutes can be approved once the approving meeting has started."), "at_meeting"
        )
    _transition(minutes, MinutesStatus.APPROVED)
    minutes.approved_at = now
    minutes.approved_by_meeting = at_meeting
    minutes.updated_at = now
    minutes.save()
    return minutes


@transaction.atomic
def publish_minutes(minutes: Minutes, *, by, now: datetime | None = None) -> Minutes:
    require_manager(by, minutes.meeting.body)
    now = _now(now)
    minutes = _locked(minutes)
    _transition(minutes, MinutesStatus.PUBLISHED)
    minutes.published_at = now
    minutes.updated_at = now
    minutes.save()
    return minutes


@transaction.atomic
def reopen_minutes(minutes: Minutes, *, by, now: datetime | None = None) -> Minutes:
    """Send approved (not yet published) minutes back to draft."""
    require_manager(by, minutes.meeting.body)
    now = _now(now)
    minutes = _locked(minutes)
    _transition(minutes, MinutesStatus.DRAFT)
    minutes.approved_at = None
    minutes.approved_by_meeting = None
    minutes.updated_at = now
    minutes.save()
    return minutes


@transaction.atomic
def comment_on_minutes(
    minutes: Minutes, *, user, text: str, now: datetime | None = None
) -> MinutesComment:
    """Let a member comment on draft minutes."""
    now = _now(now)
    member = _seat_for(minutes.meeting, user, timezone.localdate(now))
    if member is None:
        raise NotAllowed(_("Only members of the platform can comment on minutes."))
    if minutes.status != MinutesStatus.DRAFT:
        raise ConsultationError(_("Comments are taken on draft minutes only."))
    text = (text or "").strip()
    if not text:
        raise ConsultationError(_("Write your comment."), "text")
    if len(text) > MAX_COMMENT_LENGTH:
        raise ConsultationError(
            _("A comment can be at most %(max)d characters long.") % {"max": MAX_COMMENT_LENGTH},
            "text",
        )
    return MinutesComment.objects.create(minutes=minutes, member=member, text=text, created_at=now)


# --- Decisions -----------------------------------------------------------------


@transaction.atomic
def record_decision(
    meeting: Meeting,
    *,
    by,
    text_nl: str = "",
    text_fr: str = "",
    text_en: str = "",
    agenda_item: AgendaItem | None = None,
    moves=(),
    now: datetime | None = None,
) -> Decision:
    """Record a decision of ``meeting`` and move the recommendations it decides on.

    ``moves`` lists ``(recommendation, status | None, progress | None)``; each
    becomes a recommendation change pointing at the decision, in this same
    transaction (so a refused move leaves no decision behind).
    """
    require_manager(by, meeting.body)
    now = _now(now)
    texts = {"text_nl": text_nl, "text_fr": text_fr, "text_en": text_en}
    texts = {key: (value or "").strip() for key, value in texts.items()}
    if not any(texts.values()):
        raise ConsultationError(_("Write the decision in at least one language."), "text_en")
    if meeting.starts_at > now:
        raise ConsultationError(_("Decisions are recorded once the meeting has started."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ConsultationError(_("Choose a point of this meeting's agenda."), "agenda_item")
    decision = Decision.objects.create(
        meeting=meeting, agenda_item=agenda_item, decided_at=now, recorded_by=by, **texts
    )
    moves = list(moves)
    if moves:
        from umbrella.consultation.tracker.actions import update_recommendation

        for recommendation, status, progress in moves:
            try:
                update_recommendation(
                    recommendation,
                    by=by,
                    status=status,
                    progress=progress,
                    decision=decision,
                    now=now,
                )
            except ValidationError as refusal:
                # Raised inside this transaction: the decision is rolled back with it.
                field = next(iter(getattr(refusal, "error_dict", {}) or {}), None)
                raise ConsultationError(" ".join(refusal.messages), field) from refusal
    return decision

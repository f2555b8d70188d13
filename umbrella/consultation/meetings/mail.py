"""E-mails to the members of a meeting's body: invitations and reminders.

Every attempt is a ``MeetingMail`` row, in the ``MEETING_MAIL`` outbox (core/outbox.py,
declared beside the model). A failed attempt is retried as a new row after 2, 4, 8 …
minutes until ``MAIL_ATTEMPTS`` or the meeting starts; the worker claims due rows with
a lease, so two workers never send the same attempt (``claim_due_mail``,
``deliver_mail``; see ``consultation/tasks.py``). The actions that queue mail live in
``meetings/actions.py``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from umbrella.consultation.meetings.models import (
    MEETING_MAIL,
    MailKind,
    MailStatus,
    Meeting,
    MeetingMail,
    Participation,
    Reminder,
    ReminderStatus,
)

logger = logging.getLogger(__name__)

# Attempts in all (the outbox's backoff).
MAIL_ATTEMPTS = MEETING_MAIL.backoff.max_attempts()
# Set after the commit of queued mail, in any process (core/wakeup.py): the worker's
# mail lane sleeps until the next due e-mail and wakes at once.
mail_queued = MEETING_MAIL.wake


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def send_invitations_now(meeting_id: int) -> None:
    """Send a meeting's queued invitations right after the commit; what fails here is
    retried by the worker (a row per attempt)."""
    now = timezone.now()
    for mail in MeetingMail.objects.filter(
        meeting_id=meeting_id, kind=MailKind.INVITATION, status=MailStatus.QUEUED, due_at__lte=now
    ).select_related("meeting__body", "member__representative"):
        deliver_mail(mail, now=now)
    mail_queued.set()


def invitation_text(meeting: Meeting) -> tuple[str, str]:
    """Return (subject, body) of an invitation, in Dutch, French and English."""
    subjects, paragraphs = [], []
    site = settings.SITE_URL.rstrip("/")
    for language in ("nl", "fr", "en"):
        with translation.override(language):
            local = timezone.localtime(meeting.starts_at)
            subjects.append(_("Invitation: %(title)s") % {"title": meeting.title})
            paragraphs.append(
                _(
                    "Your organisation is invited to the meeting “%(title)s” of the "
                    "consultation platform on %(date)s at %(time)s (Brussels time). Where: "
                    "%(where)s. Register and read the agenda: %(url)s"
                )
                % {
                    "title": meeting.title,
                    "date": local.strftime("%d/%m/%Y"),
                    "time": local.strftime("%H:%M"),
                    "where": meeting.place or meeting.online_url,
                    "url": site + reverse("consultation:meeting", args=[meeting.pk]),
                }
            )
    return " / ".join(dict.fromkeys(subjects)), "\n\n".join(paragraphs)


# --- Reminders -----------------------------------------------------------------


def reminder_text(meeting: Meeting) -> tuple[str, str]:
    """Return (subject, body) of a meeting reminder, in Dutch, French and English."""
    subjects, paragraphs = [], []
    site = settings.SITE_URL.rstrip("/")
    for language in ("nl", "fr", "en"):
        with translation.override(language):
            local = timezone.localtime(meeting.starts_at)
            title = meeting.title
            subjects.append(_("Reminder: %(title)s") % {"title": title})
            where = meeting.place or meeting.online_url
            paragraphs.append(
                _(
                    "Reminder: the meeting “%(title)s” of the consultation platform starts on "
                    "%(date)s at %(time)s (Brussels time). Where: %(where)s. Details: %(url)s"
                )
                % {
                    "title": title,
                    "date": local.strftime("%d/%m/%Y"),
                    "time": local.strftime("%H:%M"),
                    "where": where,
                    "url": site + reverse("consultation:meeting", args=[meeting.pk]),
                }
            )
    return " / ".join(dict.fromkeys(subjects)), "\n\n".join(paragraphs)


@transaction.atomic
def send_reminder(participation: Participation, *, now: datetime | None = None) -> Reminder | None:
    """Remind one member of a meeting, once; return its row (``None`` if an earlier run
    already did).

    The row is written first: the unique (meeting, member) constraint makes a
    second worker wait and then find it, so nobody is reminded twice. The e-mail
    itself is a ``MeetingMail`` attempt, sent now and retried by the worker if it fails.
    """
    now = _now(now)
    reminder, created = Reminder.objects.get_or_create(
        meeting=participation.meeting,
        member=participation.member,
        defaults={"status": ReminderStatus.SENT, "sent_at": now},
    )
    if not created:
        return None
    address = (participation.member.representative.email or "").strip()
    if not address:
        reminder.status = ReminderStatus.NO_ADDRESS
        reminder.save(update_fields=["status"])
        return reminder
    attempt = MeetingMail.objects.create(
        meeting=participation.meeting,
        member=participation.member,
        kind=MailKind.REMINDER,
        created_at=now,
        due_at=now,
    )
    deliver_mail(attempt, now=now)
    reminder.refresh_from_db()
    return reminder


def claim_due_mail(now: datetime, limit: int = 20) -> list[MeetingMail]:
    """Claim up to ``limit`` due e-mails to members (two workers never share one)."""
    return MEETING_MAIL.claim(now, limit=limit)


def _mail_text(mail: MeetingMail) -> tuple[str, str]:
    if mail.kind == MailKind.INVITATION:
        return invitation_text(mail.meeting)
    return reminder_text(mail.meeting)


def deliver_mail(mail: MeetingMail, *, now: datetime | None = None, claimed: bool = False) -> bool:
    """Send one attempt and record its outcome; a failure queues the next attempt (while
    the meeting has not started and attempts remain). Answer whether it went out."""
    now = _now(now)
    if not claimed and not MEETING_MAIL.claim_one(mail, now):
        return False
    address = (mail.member.representative.email or "").strip()
    error = ""
    if not address:
        error = "no e-mail address"
    else:
        subject, body = _mail_text(mail)
        try:
            send_mail(subject, body, None, [address])
        except Exception as exc:  # SMTP errors are many classes; every one is retried
            error = f"{type(exc).__name__}: {exc}"[:300]
    with transaction.atomic():
        if not error:
            MEETING_MAIL.settle(mail, status=MailStatus.SENT, sent_at=now, due_at=None, error="")
            if mail.kind == MailKind.REMINDER:
                Reminder.objects.filter(meeting=mail.meeting, member=mail.member).update(
                    status=ReminderStatus.SENT, sent_at=now, error=""
                )
            return True
        MEETING_MAIL.settle(mail, status=MailStatus.FAILED, due_at=None, error=error)
        if mail.kind == MailKind.REMINDER:
            Reminder.objects.filter(meeting=mail.meeting, member=mail.member).update(
                status=ReminderStatus.FAILED, error=error
            )
        retry_at = MEETING_MAIL.backoff.retry_at(now, mail.attempt)
        if address and retry_at is not None and retry_at < mail.meeting.starts_at:
            MeetingMail.objects.create(
                meeting=mail.meeting,
                member=mail.member,
                kind=mail.kind,
                attempt=mail.attempt + 1,
                created_at=now,
                due_at=retry_at,
            )
            MEETING_MAIL.queued()
    logger.warning("%s %s to member %s not sent: %s", mail.kind, mail.pk, mail.member_id, error)
    return False


def send_due_mail(now: datetime, limit: int = 20) -> int:
    """Claim and send due e-mails to members; return how many went out."""
    return sum(deliver_mail(mail, now=now, claimed=True) for mail in claim_due_mail(now, limit))

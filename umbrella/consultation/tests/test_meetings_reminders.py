"""E-mail reminders: due 24 hours before a meeting, sent once to each invited or
registered member (a row each), through the worker's periodic task."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from umbrella.consultation.meetings import actions
from umbrella.consultation.meetings import mail as meeting_mail
from umbrella.consultation.meetings.queries import REMIND_BEFORE
from umbrella.consultation.models import MailKind, MailStatus, MeetingMail, Reminder, ReminderStatus
from umbrella.consultation.tasks import send_meeting_mail, send_meeting_reminders
from umbrella.consultation.tests.factories import NOW, meeting
from umbrella.core.worker import registered_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(personas, seats, platform, secretary):
    personas.staff.email = "staff@cpas.example"
    personas.staff.save()
    personas.municipality.email = "officer@stjosse.example"
    personas.municipality.save()
    upcoming = meeting(platform, secretary, starts_at=NOW + timedelta(days=3), title="Plenary")
    with time_machine.travel(NOW, tick=False):
        actions.register(upcoming, user=personas.staff)
        actions.register(upcoming, user=personas.municipality)
        actions.register(upcoming, user=personas.police)  # no e-mail address
    return upcoming


def _run_at(moment) -> bool:
    with time_machine.travel(moment, tick=False):
        return send_meeting_reminders(timezone.now())


def test_the_task_is_registered_with_the_worker():
    assert "umbrella.consultation.tasks.send_meeting_reminders" in registered_tasks()


def test_nothing_is_sent_one_second_before_the_reminder_is_due(invited):
    assert _run_at(invited.starts_at - REMIND_BEFORE - timedelta(seconds=1)) is False
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_reminders_are_sent_once_when_due(invited, seats):
    due = invited.starts_at - REMIND_BEFORE
    assert _run_at(due) is True
    assert sorted(m.to[0] for m in mail.outbox) == ["officer@stjosse.example", "staff@cpas.example"]
    rows = {r.member_id: r for r in Reminder.objects.all()}
    assert rows[seats["staff"].pk].status == ReminderStatus.SENT
    assert rows[seats["staff"].pk].sent_at == due
    assert rows[seats["police"].pk].status == ReminderStatus.NO_ADDRESS
    assert seats["outreach"].pk not in rows  # neither invited nor registered
    # Once: later runs find nothing left to send.
    assert _run_at(due + timedelta(seconds=1)) is False
    assert _run_at(invited.starts_at - timedelta(hours=1)) is False
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 3


def test_the_reminder_speaks_dutch_french_and_english(invited):
    _run_at(invited.starts_at - timedelta(hours=3))
    message = mail.outbox[0]
    assert "Plenary (nl)" in message.body and "Plenary (fr)" in message.body
    assert "Plenary" in message.subject
    # Brussels time (winter: the meeting starts at 10:00 local).
    assert "10:00" in message.body
    assert f"/nl/platform/meetings/{invited.pk}/" in message.body
    assert f"/fr/platform/meetings/{invited.pk}/" in message.body


def test_no_reminder_after_the_meeting_started(invited):
    assert _run_at(invited.starts_at + timedelta(seconds=1)) is False
    assert mail.outbox == []


def _mail_at(moment) -> bool:
    with time_machine.travel(moment, tick=False):
        return send_meeting_mail(timezone.now())


def test_the_mail_task_is_registered_with_the_worker():
    assert "umbrella.consultation.tasks.send_meeting_mail" in registered_tasks()


def test_a_failed_reminder_is_retried_with_backoff_a_row_per_attempt(invited, seats, monkeypatch):
    real_send = meeting_mail.send_mail

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(meeting_mail, "send_mail", broken)
    first = invited.starts_at - timedelta(hours=20)
    _run_at(first)
    failed = Reminder.objects.filter(status=ReminderStatus.FAILED)
    assert failed.count() == 2
    assert "mail server down" in failed.first().error
    # The reminder itself is not repeated; its e-mail is retried, 2 minutes later.
    assert _run_at(first + timedelta(minutes=1)) is False
    staff = MeetingMail.objects.filter(member=seats["staff"], kind=MailKind.REMINDER)
    assert [(m.attempt, m.status) for m in staff.order_by("attempt")] == [
        (1, MailStatus.FAILED),
        (2, MailStatus.QUEUED),
    ]
    assert staff.get(attempt=2).due_at == first + timedelta(minutes=2)
    assert _mail_at(first + timedelta(minutes=1)) is False  # not due yet
    # Still failing: attempt 3 is due 4 minutes after attempt 2.
    assert _mail_at(first + timedelta(minutes=2)) is True
    assert staff.get(attempt=3).due_at == first + timedelta(minutes=6)
    # The server is back: attempt 3 goes out, and the reminder reads sent.
    monkeypatch.setattr(meeting_mail, "send_mail", real_send)
    assert _mail_at(first + timedelta(minutes=6)) is True
    assert sorted(m.to[0] for m in mail.outbox) == ["officer@stjosse.example", "staff@cpas.example"]
    assert [m.status for m in staff.order_by("attempt")] == [
        MailStatus.FAILED,
        MailStatus.FAILED,
        MailStatus.SENT,
    ]
    row = Reminder.objects.get(member=seats["staff"])
    assert row.status == ReminderStatus.SENT and row.error == ""
    assert _mail_at(first + timedelta(hours=1)) is False  # nothing left


def test_retries_stop_after_the_last_attempt_or_when_the_meeting_starts(
    invited, seats, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(meeting_mail, "send_mail", broken)
    first = invited.starts_at - timedelta(hours=20)
    _run_at(first)
    moment = first
    for _attempt in range(2, meeting_mail.MAIL_ATTEMPTS + 1):
        moment += timedelta(hours=1)
        assert _mail_at(moment) is True
    staff = MeetingMail.objects.filter(member=seats["staff"], kind=MailKind.REMINDER)
    assert staff.count() == meeting_mail.MAIL_ATTEMPTS
    assert not staff.filter(status=MailStatus.QUEUED).exists()
    assert _mail_at(moment + timedelta(hours=1)) is False
    # A reminder failing 1 minute before the meeting is not retried after it started.
    late = meeting(
        invited.body, invited.created_by, starts_at=invited.starts_at + timedelta(days=2)
    )
    with time_machine.travel(late.starts_at - timedelta(days=3), tick=False):
        actions.register(late, user=seats["staff"].representative)
    _run_at(late.starts_at - timedelta(minutes=1))
    rows = MeetingMail.objects.filter(meeting=late, member=seats["staff"])
    assert [(m.attempt, m.status) for m in rows] == [(1, MailStatus.FAILED)]


def test_failed_invitations_are_rows_retried_by_the_worker(
    personas, seats, secretary, public_meeting, django_capture_on_commit_callbacks, monkeypatch
):
    personas.staff.email = "staff@cpas.example"
    personas.staff.save()
    real_send = meeting_mail.send_mail

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(meeting_mail, "send_mail", broken)
    invited_at = NOW
    with time_machine.travel(invited_at, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            actions.invite_members(public_meeting, by=secretary)
    rows = MeetingMail.objects.filter(member=seats["staff"], kind=MailKind.INVITATION)
    assert [(m.attempt, m.status) for m in rows.order_by("attempt")] == [
        (1, MailStatus.FAILED),
        (2, MailStatus.QUEUED),
    ]
    assert "mail server down" in rows.get(attempt=1).error
    assert mail.outbox == []
    monkeypatch.setattr(meeting_mail, "send_mail", real_send)
    assert _mail_at(invited_at + timedelta(minutes=2)) is True
    assert [m.to[0] for m in mail.outbox] == ["staff@cpas.example"]
    assert "Open plenary" in mail.outbox[0].subject
    assert rows.get(attempt=2).status == MailStatus.SENT


def test_two_workers_never_send_the_same_attempt(invited, seats):
    due = invited.starts_at - timedelta(hours=20)
    row = MeetingMail.objects.create(
        meeting=invited,
        member=seats["staff"],
        kind=MailKind.INVITATION,
        created_at=due,
        due_at=due,
    )
    with time_machine.travel(due, tick=False):
        first = meeting_mail.claim_due_mail(timezone.now())
        second = meeting_mail.claim_due_mail(timezone.now())
    assert [m.pk for m in first] == [row.pk] and second == []

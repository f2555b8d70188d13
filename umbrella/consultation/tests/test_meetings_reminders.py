"""E-mail reminders: due 24 hours before a meeting, sent once to each invited or
registered member (a row each), through the worker's periodic task."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from umbrella.consultation import actions_meetings as actions
from umbrella.consultation.models import Reminder, ReminderStatus
from umbrella.consultation.queries_meetings import REMIND_BEFORE
from umbrella.consultation.tasks import send_meeting_reminders
from umbrella.consultation.tests.test_meetings_helpers import *  # noqa: F403 -- fixtures
from umbrella.consultation.tests.test_meetings_helpers import NOW, meeting
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


def test_a_failed_send_is_recorded_and_not_repeated(invited, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(actions, "send_mail", broken)
    _run_at(invited.starts_at - timedelta(hours=2))
    failed = Reminder.objects.filter(status=ReminderStatus.FAILED)
    assert failed.count() == 2
    assert "mail server down" in failed.first().error
    assert _run_at(invited.starts_at - timedelta(hours=1)) is False

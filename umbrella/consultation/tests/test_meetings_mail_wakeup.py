"""The lane of e-mails to members sleeps until the next due one (its outbox, core/outbox.py);
mail queued in any process wakes it (real threads, core/tests/lanes.py). The tests assert
the order of events, not how long they took."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.consultation.meetings import actions
from umbrella.consultation.meetings import mail as meeting_mail
from umbrella.consultation.models import MailStatus, MeetingMail
from umbrella.consultation.tasks import seconds_to_next_mail, send_meeting_mail
from umbrella.consultation.tests import factories as make
from umbrella.core.tests.lanes import HOUR, WatchedLane, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failed_invitation_wakes_the_lane_which_then_sleeps_until_the_retry(
    personas, seats, platform, secretary, monkeypatch
):
    personas.staff.email = "staff@cpas.example"
    personas.staff.save()
    upcoming = make.meeting(platform, secretary, starts_at=timezone.now() + timedelta(days=3))

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(meeting_mail, "send_mail", broken)
    lane = WatchedLane(send_meeting_mail, meeting_mail.mail_queued, seconds_to_next_mail)
    with lane:
        # Nothing queued: it rests its whole bound (an hour here), no 30 s poll.
        assert lane.log == [("ran", 0.0), ("rest", None)]
        before = lane.mark()
        actions.invite_members(upcoming, by=secretary)
        # Sent at once after the commit, failed: attempt 2 is due 2 minutes later.
        assert wait_until(lambda: MeetingMail.objects.filter(attempt=2).exists())
        assert wait_until(lambda: len(lane.log) >= before + 2), lane.log
    # Woken by the commit, it found nothing due yet and rests toward the retry.
    assert lane.log[before] == ("ran", 0.0), lane.log
    kind, rest = lane.log[before + 1]
    assert kind == "rest" and rest is not None and 0 < rest <= 120 < HOUR, lane.log
    retry = MeetingMail.objects.get(attempt=2)
    assert retry.status == MailStatus.QUEUED


def test_the_lane_rests_until_the_next_due_mail(personas, seats, platform, secretary):
    upcoming = make.meeting(platform, secretary, starts_at=timezone.now() + timedelta(days=3))
    now = timezone.now()
    assert seconds_to_next_mail(now) is None
    MeetingMail.objects.create(meeting=upcoming, member=seats["staff"], kind="invitation",
                               created_at=now, due_at=now + timedelta(seconds=90))  # fmt: skip
    assert seconds_to_next_mail(now) == 90

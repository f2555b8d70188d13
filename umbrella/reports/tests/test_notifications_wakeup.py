"""The notifications lane sleeps until the next due notification; queuing one wakes it
(real threads, core/tests/lanes.py). Each test asserts the order of what happened."""

from __future__ import annotations

import pytest
from django.core import mail

from umbrella.core.tests.lanes import HOUR, WatchedLane, wait_until
from umbrella.reports import notifications
from umbrella.reports.actions.notifying import notifications_queued, retry_delay, retry_now
from umbrella.reports.models import BodyNotification, Contact, NotificationStatus
from umbrella.reports.tasks import seconds_to_next_notification, send_notifications
from umbrella.reports.tests.conftest import submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("geography")]


def _lane() -> WatchedLane:
    return WatchedLane(send_notifications, notifications_queued, seconds_to_next_notification)


def test_a_report_queued_while_the_lane_sleeps_is_sent_after_the_wake(matrix):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="a@example.org")
    with _lane() as lane:
        # Nothing pending: it rests its whole bound (an hour here), no short poll.
        assert lane.log == [("ran", 0.0), ("rest", None)]
        before = lane.mark()
        report = submit().report
        assert wait_until(
            lambda: BodyNotification.objects.filter(
                report=report, status=NotificationStatus.SENT
            ).exists()
        ), lane.log
    # Woken by the commit: the first thing it did was a run that sent it.
    assert lane.log[before] == ("ran", 1.0), lane.log
    assert mail.outbox[-1].to == ["a@example.org"]


def test_after_a_failure_the_lane_sleeps_until_the_retry_and_an_operator_s_retry_wakes_it(
    matrix, monkeypatch
):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="a@example.org")

    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with _lane() as lane:
        before = lane.mark()
        report = submit().report
        assert wait_until(
            lambda: BodyNotification.objects.filter(report=report, attempts=1).exists()
        ), lane.log
        assert wait_until(lambda: lane.log[-1][0] == "rest"), lane.log
        tried = lane.log[before:]
        assert tried[0] == ("ran", 1.0), lane.log
        # Resting toward the retry (a minute away), not its whole hour.
        rest = tried[-1][1]
        assert rest is not None and 0 < rest <= retry_delay(1).total_seconds() < HOUR, lane.log

        monkeypatch.undo()
        again = lane.mark()
        notification = BodyNotification.objects.get(report=report)
        retry_now(notification, now=notification.created_at)
        assert wait_until(
            lambda: BodyNotification.objects.filter(
                pk=notification.pk, status=NotificationStatus.SENT
            ).exists()
        ), lane.log
    assert lane.log[again] == ("ran", 1.0), lane.log

"""The tracker notices lane sleeps until the next due e-mail notice; a change that queues
notices wakes it (real threads, core/tests/lanes.py). The test asserts the order of events."""

from __future__ import annotations

import pytest

from umbrella.consultation import seeds
from umbrella.consultation.following.actions import follow
from umbrella.consultation.following.notices import notices_queued
from umbrella.consultation.models import Notice, Recommendation, TrackerStatus
from umbrella.consultation.tasks import seconds_to_next_notice, send_tracker_notices
from umbrella.consultation.tests import factories as make
from umbrella.consultation.tracker.actions import update_recommendation
from umbrella.core.tests.lanes import WatchedLane, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_change_made_while_the_lane_sleeps_is_told_to_followers_after_the_wake(
    personas, mailoutbox
):
    seeds.load()
    rec = Recommendation.objects.get(slug="public-toilets")
    staff = personas.staff
    staff.email = "staff@example.org"
    staff.save()
    follow(rec, staff)
    lane = WatchedLane(send_tracker_notices, notices_queued, seconds_to_next_notice)
    with lane:
        # Nothing queued: it rests its whole bound (an hour here), no short poll.
        assert lane.log == [("ran", 0.0), ("rest", None)]
        before = lane.mark()
        update_recommendation(rec, by=make.secretary(), status=TrackerStatus.IN_PROGRESS)
        assert wait_until(lambda: Notice.objects.filter(status="sent").exists()), lane.log
    # Woken by the commit: the first thing it did was a run that sent the notice.
    assert lane.log[before] == ("ran", 1.0), lane.log
    assert [m.to for m in mailoutbox] == [["staff@example.org"]]

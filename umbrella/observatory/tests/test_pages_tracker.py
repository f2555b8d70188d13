"""The consultation tracker's live indicators read the observatory's protected figures:
the latest complete quarter region-wide, a suppressed cell staying suppressed."""

from __future__ import annotations

import pytest
import time_machine

from umbrella.consultation.tracker.queries import compute
from umbrella.core import indicators as registry
from umbrella.observatory import actions
from umbrella.observatory.tests.factories import BRUSSELS_CITY, SAINT_JOSSE, alarms, at

pytestmark = pytest.mark.django_db
NOW = at(2027, 2, 15)


@pytest.fixture(autouse=True)
def _february_2027():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_observatory_registers_its_figures_as_indicators():
    keys = set(registry.registered())
    assert {
        "observatory.acknowledged_within_60s",
        "observatory.acknowledgement_median",
        "observatory.reports_held_by_guard",
    } <= keys


def test_the_indicator_is_the_observatory_figure_of_the_latest_quarter(worker):
    alarms(worker, 30, at(2026, 10), nis=BRUSSELS_CITY, ack_seconds=30)
    alarms(worker, 10, at(2026, 11), nis=BRUSSELS_CITY, ack_seconds=120)
    actions.refresh(NOW)
    live = compute("observatory.acknowledged_within_60s", NOW)
    assert live.available
    assert live.figure.value == 75.0  # 30 of 40, as a percent
    assert live.figure.unit == registry.Unit.PERCENT
    assert live.figure.note == ("Region-wide, Q4 2026, from the observatory's protected figures.")
    median = compute("observatory.acknowledgement_median", NOW)
    assert median.figure.value == 30 and median.figure.unit == registry.Unit.SECONDS


def test_a_suppressed_quarter_stays_suppressed_on_the_tracker(worker):
    alarms(worker, 4, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=20)
    actions.refresh(NOW)
    live = compute("observatory.acknowledgement_median", NOW)
    assert live.available and live.figure.value is None
    assert live.figure.note.startswith("Not shown for Q4 2026: fewer than 10 events")

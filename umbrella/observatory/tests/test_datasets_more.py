"""The figures added for issue 19's second round, each from real rows: deliveries by channel and
their success, establishments' room buttons and their tests, time to "fixed"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from umbrella.areas.models import Municipality
from umbrella.notify.models import Channel, DeliveryStatus
from umbrella.observatory import actions, queries
from umbrella.observatory.tests.factories import (  # noqa: F401 -- february_2027 holds the clock
    BRUSSELS_CITY,
    SAINT_JOSSE,
    SCHAERBEEK,
    at,
    button_test,
    deliveries,
    establishments,
    february_2027,
    refresh,
    reports,
    values,
)

pytestmark = pytest.mark.django_db


REGION = "04000"


@pytest.fixture
def categories():
    from umbrella.reports.seeds import load_reports

    load_reports()


def test_deliveries_by_channel_and_their_success(responder):
    deliveries(responder, 30, at(2026, 11), channel=Channel.WEBPUSH, status=DeliveryStatus.SENT)
    deliveries(responder, 10, at(2026, 11), channel=Channel.WEBPUSH, status=DeliveryStatus.FAILED)
    deliveries(
        responder, 10, at(2026, 11), channel=Channel.WEBPUSH, status=DeliveryStatus.SUPERSEDED
    )
    deliveries(responder, 12, at(2026, 11), channel=Channel.SMS, status=DeliveryStatus.SENT)
    deliveries(responder, 12, at(2026, 12), channel=Channel.SMS, status=DeliveryStatus.SENT)
    deliveries(responder, 3, at(2026, 12), channel=Channel.SMS, status=DeliveryStatus.FAILED)
    refresh()
    push = values("deliveries-webpush", period="month", by="region")
    assert push[("2026-11", REGION)] == (50, False)  # every attempt, superseded ones too
    assert values("deliveries-webpush-delivered", period="month")[("2026-11", REGION)] == (
        0.75,
        False,
    )
    # December: 3 failed text messages would point at three attempts; the share hides, and
    # so do the quarter's and the year's (each minus the empty months would be December's).
    sms_share = values("deliveries-sms-delivered", period="month")
    assert sms_share[("2026-12", REGION)] == (None, True)
    assert sms_share[("2026-11", REGION)] == (1.0, False)
    assert values("deliveries-sms-delivered", period="quarter")[("2026-Q4", REGION)] == (
        None,
        True,
    )
    assert values("deliveries-sms-delivered", period="year")[("2026", REGION)] == (None, True)
    # The number of text messages hides with them: December's 15 less the 12 sent that the
    # share's cubes publish elsewhere must not give the 3 failed away.
    sms = values("deliveries-sms", period="month")
    assert sms[("2026-11", REGION)] == (12, False)
    assert sms[("2026-12", REGION)] == (None, True)
    assert values("deliveries-sms", period="quarter")[("2026-Q4", REGION)] == (None, True)
    assert values("deliveries-voice", period="month")[("2026-11", REGION)] == (0, False)
    with pytest.raises(queries.BadQuery):  # a delivery has no place
        queries.table("deliveries-sms", period="month", by="municipality")


def test_a_few_attempts_not_needed_hide_the_number_of_attempts(responder):
    deliveries(responder, 30, at(2026, 11), channel=Channel.WEBPUSH, status=DeliveryStatus.SENT)
    deliveries(responder, 10, at(2026, 11), channel=Channel.WEBPUSH, status=DeliveryStatus.FAILED)
    deliveries(
        responder, 4, at(2026, 11), channel=Channel.WEBPUSH, status=DeliveryStatus.SUPERSEDED
    )
    refresh()
    # With the share (0.75) and the number of attempts, the 4 would follow by subtraction.
    assert values("deliveries-webpush", period="month")[("2026-11", REGION)] == (None, True)
    assert values("deliveries-webpush-delivered", period="month")[("2026-11", REGION)] == (
        0.75,
        False,
    )


def test_establishments_with_a_room_button_and_the_share_tested_in_the_last_30_days():
    saint_josse = establishments(12, at(2026, 10, 5), nis=SAINT_JOSSE)
    schaerbeek = establishments(10, at(2026, 10, 5), nis=SCHAERBEEK)
    # Saint-Josse: ten tested in the last days of November, two never.
    for button in saint_josse[:10]:
        button_test(button, at(2026, 11, 20))
    # Schaerbeek: every one tested, but in October: more than 30 days before November's end.
    for button in schaerbeek:
        button_test(button, at(2026, 10, 20))
    # A test nobody acknowledged does not count.
    button_test(saint_josse[10], at(2026, 11, 25), acknowledged=False)
    refresh()
    count = values("establishments-room-button", period="month", by="municipality")
    assert count[("2026-10", SAINT_JOSSE)] == (12, False)
    assert count[("2026-10", SCHAERBEEK)] == (10, False)
    assert count[("2026-10", BRUSSELS_CITY)] == (0, False)
    # November: with the share, 12 establishments would give the 2 untested away: hidden.
    assert count[("2026-11", SAINT_JOSSE)] == (None, True)
    tested = values("establishments-tested-30-days", period="month", by="municipality")
    # October's end: Schaerbeek's ten tested on the 20th, Saint-Josse's none.
    assert tested[("2026-10", SCHAERBEEK)] == (1.0, False)
    assert tested[("2026-10", SAINT_JOSSE)] == (0.0, False)
    # November's end: Saint-Josse ten of twelve, but the two untested are fewer than ten:
    # hidden, and Schaerbeek (0 of 10) with it, its partner in the zone.
    assert tested[("2026-11", SAINT_JOSSE)] == (None, True)
    assert tested[("2026-11", SCHAERBEEK)] == (None, True)
    region = values("establishments-tested-30-days", period="month", by="region")
    assert region[("2026-10", REGION)] == (round(10 / 22, 4), False)
    with pytest.raises(queries.BadQuery):  # a picture at a month's end does not add up
        queries.table("establishments-room-button", period="quarter")


def test_a_revoked_button_leaves_the_count_and_an_old_test_ages_out():
    buttons = establishments(10, at(2026, 10, 5), nis=SAINT_JOSSE, revoked=at(2026, 12, 3))
    for button in buttons:
        button_test(button, at(2026, 11, 25))
    refresh()
    count = values("establishments-room-button", period="month", by="municipality")
    assert count[("2026-11", SAINT_JOSSE)] == (10, False)
    assert count[("2026-12", SAINT_JOSSE)] == (0, False)
    tested = values("establishments-tested-30-days", period="month", by="municipality")
    assert tested[("2026-11", SAINT_JOSSE)] == (1.0, False)
    assert tested[("2026-10", SAINT_JOSSE)] == (0.0, False)


def test_median_time_to_fixed_only_from_cells_with_ten_fixed_reports(categories):
    saint_josse = Municipality.objects.get(nis_code=SAINT_JOSSE)
    schaerbeek = Municipality.objects.get(nis_code=SCHAERBEEK)
    reports(6, at(2026, 11), saint_josse, respond_minutes=5, fixed_minutes=3 * 60)
    reports(6, at(2026, 11), saint_josse, respond_minutes=5, fixed_minutes=2 * 1440)
    reports(10, at(2026, 11), schaerbeek, respond_minutes=5, fixed_minutes=30)
    reports(20, at(2026, 11), schaerbeek, respond_minutes=5)  # answered, never fixed
    refresh()
    fixed = values("report-fixed-median", period="month", by="municipality")
    assert fixed[("2026-11", SAINT_JOSSE)] == (180, False)  # the 6th of 12: three hours
    assert fixed[("2026-11", SCHAERBEEK)] == (30, False)
    assert fixed[("2026-11", BRUSSELS_CITY)] == (None, False)  # nothing fixed: no median
    region = values("report-fixed-median", period="month", by="region")
    assert region[("2026-11", REGION)] == (180, False)  # the 11th of 22: ten took 30 minutes
    first = values("report-first-response-median", period="month", by="municipality")
    assert first[("2026-11", SCHAERBEEK)] == (5, False)


def test_a_median_time_to_fixed_from_fewer_than_ten_reports_is_hidden(categories):
    city = Municipality.objects.get(nis_code=BRUSSELS_CITY)
    reports(4, at(2026, 11), city, respond_minutes=5, fixed_minutes=30)
    refresh()
    fixed = values("report-fixed-median", period="month", by="municipality")
    assert fixed[("2026-11", BRUSSELS_CITY)] == (None, True)
    assert values("report-fixed-median", period="month", by="region")[("2026-11", REGION)] == (
        None,
        True,
    )


def test_a_report_fixed_later_moves_its_month(categories):
    saint_josse = Municipality.objects.get(nis_code=SAINT_JOSSE)
    reports(10, at(2026, 11), saint_josse)
    refresh()
    assert values("report-fixed-median", period="month", by="municipality")[
        ("2026-11", SAINT_JOSSE)
    ] == (None, False)
    from umbrella.reports.models import Report

    Report.objects.update(fixed_at=at(2026, 11, 12), updated_at=at(2027, 2, 16))
    queries.forget()
    actions.refresh(at(2027, 2, 16) + timedelta(minutes=1))
    assert values("report-fixed-median", period="month", by="municipality")[
        ("2026-11", SAINT_JOSSE)
    ] == (2880, False)

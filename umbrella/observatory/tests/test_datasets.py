"""Each figure computed from real rows, through the roll-up and the disclosure control."""

from __future__ import annotations

import pytest
from django.utils import translation

from umbrella.alarms.models import CheckInStatus, Source, Status
from umbrella.areas.models import Municipality
from umbrella.observatory import queries
from umbrella.observatory.tests.factories import (  # noqa: F401 -- february_2027 holds the clock
    BRUSSELS_CITY,
    SAINT_JOSSE,
    SCHAERBEEK,
    alarms,
    at,
    checkins,
    february_2027,
    refresh,
    reports,
    values,
)
from umbrella.reports.models import Category
from umbrella.reports.models.bodies import CategoryGroup

pytestmark = pytest.mark.django_db


def test_alarms_by_source_count_real_alarms_by_month_and_municipality(worker):
    alarms(worker, 12, at(2026, 11), nis=SAINT_JOSSE)
    alarms(worker, 15, at(2026, 11), nis=SCHAERBEEK)
    alarms(worker, 30, at(2026, 12), nis=BRUSSELS_CITY)
    alarms(worker, 11, at(2026, 11), nis=SAINT_JOSSE, source=Source.DEVICE)
    alarms(worker, 20, at(2026, 11), nis=SAINT_JOSSE, is_test=True)
    alarms(worker, 13, at(2026, 12), nis=SCHAERBEEK, source=Source.CHECKIN)
    refresh()
    by_month = values("alarms-phone", period="month", by="municipality")
    assert by_month[("2026-11", SAINT_JOSSE)] == (12, False)
    assert by_month[("2026-11", SCHAERBEEK)] == (15, False)
    assert by_month[("2026-12", BRUSSELS_CITY)] == (30, False)
    assert by_month[("2026-10", SAINT_JOSSE)] == (0, False)
    region = values("alarms-phone", period="quarter", by="region")
    assert region[("2026-Q4", "04000")] == (57, False)
    zones = values("alarms-phone", period="year", by="police_zone")
    assert zones[("2026", "5344")] == (27, False)  # Saint-Josse and Schaerbeek
    assert values("alarms-room-button", period="month", by="municipality")[
        ("2026-11", SAINT_JOSSE)
    ] == (11, False)
    assert values("alarms-test", period="quarter", by="region")[("2026-Q4", "04000")] == (20, False)
    check_in = values("alarms-check-in", period="month", by="municipality")
    assert check_in[("2026-12", SCHAERBEEK)] == (13, False)


def test_a_small_cell_is_hidden_with_partners_and_never_shown_as_zero(worker):
    for month in (10, 11, 12):
        alarms(worker, 40, at(2026, month), nis=SAINT_JOSSE)
        alarms(worker, 40, at(2026, month), nis=SCHAERBEEK)
    alarms(worker, 3, at(2026, 11), nis=BRUSSELS_CITY)
    refresh()
    cells = queries.table("alarms-phone", period="month", by="municipality")
    hidden = [c for c in cells if c.suppressed]
    assert any(c.period == "2026-11" and c.area.code == BRUSSELS_CITY for c in hidden)
    assert all(c.value is None for c in hidden)
    assert len(hidden) >= 2
    # The zone and quarter tables of the same cube keep the secret too.
    zone_cells = queries.table("alarms-phone", period="month", by="police_zone")
    quarter_cells = queries.table("alarms-phone", period="quarter", by="municipality")
    published = {
        (c.period, c.area.kind, c.area.code): c.value
        for c in cells + zone_cells + quarter_cells
        if not c.suppressed
    }
    city_q4 = published.get(("2026-Q4", "municipality", BRUSSELS_CITY))
    city_oct = published.get(("2026-10", "municipality", BRUSSELS_CITY))
    city_dec = published.get(("2026-12", "municipality", BRUSSELS_CITY))
    assert None in (city_q4, city_oct, city_dec)


def test_only_complete_periods_are_published(worker):
    alarms(worker, 12, at(2027, 1), nis=SAINT_JOSSE)
    alarms(worker, 12, at(2027, 2, 1), nis=SAINT_JOSSE)
    refresh()
    months = {c.period for c in queries.table("alarms-phone", period="month")}
    assert "2027-01" in months and "2027-02" not in months
    assert queries.table("alarms-phone", period="quarter") == []
    assert queries.table("alarms-phone", period="year") == []


def test_duress_only_region_wide_and_yearly(worker):
    alarms(worker, 3, at(2026, 5), is_duress=True, source=Source.DURESS)
    alarms(worker, 12, at(2026, 6), is_duress=True)
    refresh()
    assert values("alarms-duress", period="year", by="region") == {("2026", "04000"): (15, False)}
    with pytest.raises(queries.BadQuery):
        queries.table("alarms-duress", period="month", by="region")
    with pytest.raises(queries.BadQuery):
        queries.table("alarms-duress", period="year", by="municipality")
    # Duress alarms are not counted as phone alarms either.
    assert values("alarms-phone", period="year", by="region")[("2026", "04000")] == (0, False)


def test_time_to_acknowledge_only_from_cells_with_ten_alarms(worker):
    alarms(worker, 10, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=30)
    alarms(worker, 10, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=90)
    alarms(worker, 10, at(2026, 11), nis=SCHAERBEEK, ack_seconds=20)
    alarms(worker, 1, at(2026, 11), nis=SCHAERBEEK, ack_seconds=500)
    refresh()
    median = values("acknowledgement-median", period="month", by="municipality")
    assert median[("2026-11", SAINT_JOSSE)] == (30, False)
    assert median[("2026-11", SCHAERBEEK)] == (20, False)
    assert median[("2026-11", BRUSSELS_CITY)] == (None, False)  # no alarm: no median
    p90 = values("acknowledgement-p90", period="month", by="municipality")
    assert p90[("2026-11", SAINT_JOSSE)] == (90, False)
    share = values("acknowledged-within-60s", period="month", by="municipality")
    # Schaerbeek: 10 in time, 1 later: the one late alarm would be exposed,
    # and Saint-Josse, its partner in the zone, hides with it.
    assert share[("2026-11", SCHAERBEEK)] == (None, True)
    assert share[("2026-11", SAINT_JOSSE)] == (None, True)


def test_share_acknowledged_within_a_minute(worker):
    alarms(worker, 10, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=30)
    alarms(worker, 30, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=90)
    alarms(worker, 10, at(2026, 11), nis=SCHAERBEEK)  # never acknowledged
    alarms(worker, 10, at(2026, 11), nis=SCHAERBEEK, ack_seconds=10)
    refresh()
    share = values("acknowledged-within-60s", period="month", by="municipality")
    assert share[("2026-11", SAINT_JOSSE)] == (0.25, False)
    assert share[("2026-11", SCHAERBEEK)] == (0.5, False)
    assert share[("2026-11", BRUSSELS_CITY)] == (None, False)  # no alarm: no share


def test_small_acknowledged_cells_hide_the_median(worker):
    alarms(worker, 4, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=30)
    refresh()
    median = values("acknowledgement-median", period="month", by="municipality")
    assert median[("2026-11", SAINT_JOSSE)] == (None, True)


def test_escalations_and_outcomes(worker):
    alarms(worker, 11, at(2026, 11), escalated=True)
    alarms(worker, 10, at(2026, 11), status=Status.CANCELLED)
    refresh()
    assert values("alarms-escalated", period="month", by="municipality")[
        ("2026-11", SAINT_JOSSE)
    ] == (11, False)
    assert values("alarms-resolved", period="month", by="municipality")[
        ("2026-11", SAINT_JOSSE)
    ] == (11, False)
    assert values("alarms-cancelled", period="month", by="municipality")[
        ("2026-11", SAINT_JOSSE)
    ] == (10, False)


def test_check_ins_started_in_time_and_lapsed(worker):
    checkins(worker, 25, at(2026, 11), CheckInStatus.DONE)
    checkins(worker, 10, at(2026, 11), CheckInStatus.EXPIRED)
    refresh()
    assert values("check-ins-started", period="month")[("2026-11", "04000")] == (35, False)
    assert values("check-ins-in-time", period="month")[("2026-11", "04000")] == (25, False)
    assert values("check-ins-lapsed", period="month")[("2026-11", "04000")] == (10, False)
    with pytest.raises(queries.BadQuery):
        queries.table("check-ins-started", by="municipality")


def test_reports_guard_share_and_time_to_first_response():
    from umbrella.reports.seeds import load_reports

    load_reports()
    saint_josse = Municipality.objects.get(nis_code=SAINT_JOSSE)
    reports(12, at(2026, 11), saint_josse, respond_minutes=45)
    reports(10, at(2026, 11), saint_josse, guard=True)
    safety = Category.objects.filter(group=CategoryGroup.SAFETY).first()
    reports(11, at(2026, 12), saint_josse, category=safety)
    refresh()
    counts = values("reports", period="month", by="municipality")
    assert counts[("2026-11", SAINT_JOSSE)] == (22, False)
    guard = values("reports-held-by-guard", period="month", by="municipality")
    assert guard[("2026-11", SAINT_JOSSE)] == (round(10 / 22, 4), False)
    assert values("reports-safety", period="month", by="municipality")[
        ("2026-12", SAINT_JOSSE)
    ] == (11, False)
    response = values("report-first-response-median", period="month", by="municipality")
    assert response[("2026-11", SAINT_JOSSE)] == (45, False)


def test_bad_queries_and_unknown_datasets():
    with pytest.raises(queries.UnknownDataset):
        queries.dataset("nope")
    with translation.override("en"), pytest.raises(queries.BadQuery, match="neighbourhood"):
        queries.table("alarms-phone", by="neighbourhood")
    with pytest.raises(queries.BadQuery):
        queries.table("alarms-phone", period="week")
    assert [d.group for d in queries.datasets()][0] == "panic"

"""Median times to first response and to "fixed" per body (issue 19), from real reports: a
body's median only from 10 answered reports, small bodies suppressed (never 0), with
complementary suppression among the bodies of the region; the API answers ``by=body``."""

from __future__ import annotations

import csv
import io

import pytest

from umbrella.areas.models import Municipality
from umbrella.observatory import actions, queries
from umbrella.observatory.models import Tally
from umbrella.observatory.tests.factories import (  # noqa: F401 -- february_2027 holds the clock
    SAINT_JOSSE,
    SCHAERBEEK,
    at,
    february_2027,
    refresh,
    reports,
    values,
)
from umbrella.reports.models import Body, BodyKind, Report

pytestmark = pytest.mark.django_db


def body(code: str, name: str) -> Body:
    return Body.objects.create(
        code=code, kind=BodyKind.REGIONAL_SERVICE, name_nl=f"{name} NL", name_fr=name, name_en=name
    )


def routed(to: Body | None, n: int, when, municipality, **times) -> None:
    """Make ``n`` reports sent at ``when`` and routed to ``to`` (None: not routed yet)."""
    before = set(Report.objects.values_list("pk", flat=True))
    reports(n, when, municipality, **times)
    Report.objects.exclude(pk__in=before).update(body=to)


@pytest.fixture
def bodies():
    from umbrella.reports.seeds import load_reports

    load_reports()
    cleaning, transport, outreach = (
        body("test-cleaning", "Cleaning service"),
        body("test-transport", "Transport company"),
        body("test-outreach", "Outreach"),
    )
    schaerbeek = Municipality.objects.get(nis_code=SCHAERBEEK)
    saint_josse = Municipality.objects.get(nis_code=SAINT_JOSSE)
    # 12 answered after 30 minutes, fixed after 2 hours: published.
    routed(cleaning, 12, at(2026, 11), schaerbeek, respond_minutes=30, fixed_minutes=120)
    # 4 and 3 answered: each fewer than 10, so both hidden; each hides the other.
    routed(transport, 4, at(2026, 11), saint_josse, respond_minutes=10, fixed_minutes=20)
    routed(outreach, 3, at(2026, 11), schaerbeek, respond_minutes=5)
    # 11 not routed yet, answered after an hour: a row of their own.
    routed(None, 11, at(2026, 11), saint_josse, respond_minutes=60)
    refresh()
    return cleaning, transport, outreach


def test_median_time_to_first_response_per_body(bodies):
    cleaning, transport, outreach = bodies
    cells = values("report-first-response-median-by-body", period="month", by="body")
    assert cells[("2026-11", cleaning.code)] == (30, False)
    assert cells[("2026-11", transport.code)] == (None, True)
    assert cells[("2026-11", outreach.code)] == (None, True)
    assert cells[("2026-11", "")] == (60, False)  # not routed to a body yet
    quarter = values("report-first-response-median-by-body", period="quarter", by="body")
    assert quarter[("2026-Q4", cleaning.code)] == (30, False)
    assert quarter[("2026-Q4", transport.code)] == (None, True)
    # A body without answered reports has no median: no value, and it is not a suppressed 0.
    assert cells[("2026-10", cleaning.code)] == (None, False)


def test_median_time_to_fixed_per_body(bodies):
    cleaning, transport, outreach = bodies
    cells = values("report-fixed-median-by-body", period="month", by="body")
    # 4 fixed by the transport company: hidden. No other small body fixed any, so the
    # region-wide 16 less the cleaning service's 12 would give it away: the cleaning service,
    # the only other body with reports fixed, is hidden with it (complementary suppression).
    assert cells[("2026-11", transport.code)] == (None, True)
    assert cells[("2026-11", cleaning.code)] == (None, True)
    assert cells[("2026-11", outreach.code)] == (None, False)  # none fixed: no median, not 0
    # With 5 fixed by the outreach workers too, the two small bodies cover each other and
    # the cleaning service is published.
    schaerbeek = Municipality.objects.get(nis_code=SCHAERBEEK)
    routed(outreach, 5, at(2026, 11, 20), schaerbeek, fixed_minutes=45)
    refresh()
    queries.forget()
    cells = values("report-fixed-median-by-body", period="month", by="body")
    assert cells[("2026-11", cleaning.code)] == (120, False)
    assert cells[("2026-11", outreach.code)] == (None, True)
    assert cells[("2026-11", transport.code)] == (None, True)


def test_the_tables_name_the_body_in_the_language(bodies):
    from django.utils import translation

    cleaning = bodies[0]
    with translation.override("nl"):
        queries.forget()
        rows = queries.table("report-first-response-median-by-body", period="month", by="body")
    named = {c.area.code: (c.area.kind, c.area.name) for c in rows}
    assert named[cleaning.code] == ("body", "Cleaning service NL")
    with pytest.raises(queries.BadQuery):
        queries.table("report-first-response-median-by-body", by="municipality")


def test_a_roll_up_made_before_the_per_body_measures_is_completed(bodies):
    cleaning = bodies[0]
    Tally.objects.filter(measure__startswith="reports.body.").delete()
    refresh()  # nothing changed since the last refresh, but the body measures are missing
    queries.forget()
    cells = values("report-first-response-median-by-body", period="month", by="body")
    assert cells[("2026-11", cleaning.code)] == (30, False)


def test_the_api_answers_by_body_as_json_and_csv(client, bodies):
    cleaning, transport, _outreach = bodies
    answer = client.get(
        "/api/v1/statistics/report-first-response-median-by-body?period=month&from=2026-11"
        "&to=2026-11"
    ).json()
    assert answer["by"] == "body" and answer["unit"] == "minutes"
    rows = {r["area"]["code"]: r for r in answer["rows"]}
    assert rows[cleaning.code] == {
        "period": "2026-11",
        "area": {"kind": "body", "code": cleaning.code, "name": "Cleaning service"},
        "value": 30,
        "suppressed": False,
    }
    assert rows[transport.code]["value"] is None and rows[transport.code]["suppressed"] is True
    response = client.get(
        "/api/v1/statistics/report-first-response-median-by-body?period=quarter&by=body&format=csv"
    )
    assert response.status_code == 200
    lines = [line for line in response.content.decode().splitlines() if not line.startswith("#")]
    table = {row["area_code"]: row for row in csv.DictReader(io.StringIO("\n".join(lines)))}
    assert table[cleaning.code]["area_kind"] == "body"
    assert (table[cleaning.code]["value"], table[cleaning.code]["suppressed"]) == ("30", "no")
    assert (table[transport.code]["value"], table[transport.code]["suppressed"]) == ("", "yes")
    refused = client.get("/api/v1/statistics/report-fixed-median-by-body?by=police_zone")
    assert refused.status_code == 422


def test_the_area_figures_are_unchanged_by_the_bodies(bodies):
    cells = values("report-first-response-median", period="month", by="region")
    assert cells[("2026-11", "04000")][1] is False  # 30 answered region-wide: published
    assert actions.BODY_MARK in set(Tally.objects.values_list("measure", flat=True))

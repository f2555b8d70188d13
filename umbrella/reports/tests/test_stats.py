"""Public figures of a body, the 19 municipalities side by side, filters, toilets, the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.core.worker import registered_tasks
from umbrella.reports import actions, queries
from umbrella.reports.models import Report
from umbrella.reports.tests.conftest import SAINT_JOSSE, SCHAERBEEK, submit

pytestmark = pytest.mark.django_db


def test_body_stats_open_reports_and_medians(matrix):
    now = timezone.now()
    officer = matrix.people.municipality
    first = submit(now=now - timedelta(days=10)).report
    second = submit(now=now - timedelta(days=9), client_key="b").report
    third = submit(now=now - timedelta(days=8), client_key="c").report
    actions.post_update(
        first, author=officer, text="Seen.", now=first.created_at + timedelta(hours=2)
    )
    actions.post_update(
        first, author=officer, text="Done.", new_status="fixed",
        now=first.created_at + timedelta(days=2),
    )  # fmt: skip
    actions.post_update(
        second, author=officer, text="Seen.", new_status="in_progress",
        now=second.created_at + timedelta(hours=6),
    )  # fmt: skip
    submit(code="trafficking", description="A girl seems to be forced to work here.")
    stats = queries.body_stats(matrix.saint_josse)
    assert stats.open_reports == 2  # second (in progress) and third (open)
    assert stats.reports == 3
    assert stats.median_first_response == timedelta(hours=4)
    assert stats.median_to_fixed == timedelta(days=2)
    assert stats.median_to_fixed_days == 2.0
    assert third.status == "open"


def test_body_stats_of_a_body_without_reports(matrix):
    stats = queries.body_stats(matrix.schaerbeek_body)
    assert (stats.open_reports, stats.median_first_response, stats.median_to_fixed) == (
        0,
        None,
        None,
    )


def test_the_19_municipalities_side_by_side(matrix):
    submit()
    submit(lat=SCHAERBEEK[0], lon=SCHAERBEEK[1], client_key="other")
    rows = queries.municipality_comparison()
    assert len(rows) == 19
    assert [r.body.municipality.nis_code for r in rows] == sorted(
        r.body.municipality.nis_code for r in rows
    )
    by_code = {r.body.municipality.nis_code: r.stats for r in rows}
    assert by_code["21014"].open_reports == 1 and by_code["21015"].open_reports == 1
    assert by_code["21001"].reports == 0


def test_public_reports_filters(matrix):
    litter = submit().report
    noise = submit(code="noise", description="Loud music at night.", client_key="n").report
    there = submit(lat=SCHAERBEEK[0], lon=SCHAERBEEK[1], client_key="s").report
    actions.post_update(noise, author=matrix.people.municipality, text="Done.", new_status="fixed")
    assert set(queries.public_reports()) == {litter, noise, there}
    assert set(queries.public_reports(category="noise")) == {noise}
    assert set(queries.public_reports(municipality="21015")) == {there}
    assert set(queries.public_reports(status="fixed")) == {noise}
    assert set(queries.public_reports(body=matrix.saint_josse, open_only=True)) == {litter}


def test_a_held_report_counts_nowhere_in_public(matrix):
    held = submit(description="Get rid of the prostitutes please.").report
    assert held not in queries.public_reports()
    assert queries.body_stats(matrix.safe_brussels).open_reports == 0
    assert Report.objects.filter(pk=held.pk, is_public=False).exists()


def test_nearest_toilets_come_from_the_directory(matrix):
    from umbrella.directory.snapshot import reset_snapshot
    from umbrella.directory.tests import factories

    reset_snapshot()
    near = factories.toilet(point=(SAINT_JOSSE[0] + 0.001, SAINT_JOSSE[1]))
    factories.toilet(point=(50.80, 4.34))
    reset_snapshot()
    found = queries.nearest_toilets(*SAINT_JOSSE, limit=1)
    assert len(found) == 1
    assert found[0].place.id.endswith(str(near.pk))
    assert found[0].distance_m < 150
    reset_snapshot()


def test_the_worker_runs_the_reports_tasks():
    import umbrella.reports.tasks  # noqa: F401 -- registers the tasks, as autodiscovery does

    names = set(registered_tasks())
    assert {
        "umbrella.reports.tasks.send_notifications",
        "umbrella.reports.tasks.ask_fixed_questions",
        "umbrella.reports.tasks.erase_expired_details",
    } <= names

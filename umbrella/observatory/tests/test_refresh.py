"""The roll-up refreshes only what changed since its watermark, and the worker runs it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from umbrella.alarms.models import Alarm
from umbrella.core.worker import registered_tasks
from umbrella.observatory import actions, queries
from umbrella.observatory.models import Tally, Watermark
from umbrella.observatory.tests.factories import (
    SAINT_JOSSE,
    alarms,
    at,
    february_2027,  # noqa: F401 -- february_2027 holds the clock
)

pytestmark = pytest.mark.django_db


def phone(month: str) -> int | float | None:
    cells = queries.table("alarms-phone", period="month", by="municipality")
    return next(c.value for c in cells if c.period == month and c.area.code == SAINT_JOSSE)


def test_new_and_changed_rows_reach_the_figures_and_old_months_are_left_alone(worker):
    alarms(worker, 12, at(2026, 10))
    actions.refresh(at(2026, 11, 1))
    october = list(Tally.objects.filter(month="2026-10-01").values_list("pk", flat=True))
    assert phone("2026-10") == 12

    # A day of new rows in November: only November is rebuilt.
    alarms(worker, 15, at(2026, 11, 2))
    assert actions.refresh(at(2026, 11, 3)) is True
    assert list(Tally.objects.filter(month="2026-10-01").values_list("pk", flat=True)) == october
    assert phone("2026-11") == 15

    # An October alarm acknowledged late changes October's figures.
    late = Alarm.objects.filter(raised_at__month=10).first()
    late.acknowledged_at = at(2026, 11, 4)
    late.save()
    actions.refresh(at(2026, 11, 5))
    assert Tally.objects.get(month="2026-10-01", measure="ack.count").count == 1


def test_a_refresh_with_nothing_new_changes_nothing(worker):
    alarms(worker, 12, at(2026, 10))
    actions.refresh(at(2026, 11, 1))
    generation = queries.generation()
    assert actions.refresh(at(2026, 11, 2)) is False
    assert queries.generation() == generation
    assert Watermark.objects.get(source="alarms").refreshed_until == at(2026, 11, 2)


def test_rows_committed_late_are_still_caught(worker):
    actions.refresh(at(2026, 11, 1))
    # Stamped a few minutes before the watermark, committed after it.
    alarms(worker, 11, at(2026, 11, 1) - timedelta(minutes=3))
    actions.refresh(at(2026, 11, 2))
    assert phone("2026-11") == 11


def test_the_worker_runs_the_refresh(worker):
    from umbrella.observatory import tasks  # the worker discovers it the same way

    assert "umbrella.observatory.tasks.refresh_observatory" in registered_tasks()
    alarms(worker, 12, at(2026, 10))
    tasks.refresh_observatory(at(2026, 11, 1))
    assert phone("2026-10") == 12


def test_one_worker_at_a_time_refreshes_and_the_other_leaves_it_to_it(worker, monkeypatch):
    # Two workers start together (manage.py serve starts two) on a fresh install: the
    # second to ask finds the refresh held and leaves it; once let go, it may run it.
    from umbrella.core.actions import release_lease, take_lease
    from umbrella.observatory import tasks

    alarms(worker, 12, at(2026, 10))
    assert take_lease(tasks.REFRESH_LEASE, "other-host:1", at(2026, 11, 1), 600)
    monkeypatch.setattr(tasks, "worker_name", lambda: "this-host:2")
    tasks.refresh_observatory(at(2026, 11, 1))
    assert not Watermark.objects.exists()
    release_lease(tasks.REFRESH_LEASE, "other-host:1")
    tasks.refresh_observatory(at(2026, 11, 1) + timedelta(minutes=5))
    assert phone("2026-10") == 12
    # Let go after the run: the next refresh, by either worker, is not kept waiting.
    later = at(2026, 11, 1) + timedelta(minutes=6)
    assert take_lease(tasks.REFRESH_LEASE, "other-host:1", later, 600)


def test_operators_see_the_roll_up_read_only(client, platform_admin, worker):
    from umbrella.testing import sign_in

    alarms(worker, 12, at(2026, 10))
    actions.refresh(at(2026, 11, 1))
    sign_in(client, platform_admin)
    for page in ("tally", "watermark"):
        response = client.get(f"/en/admin/observatory/{page}/")
        assert response.status_code == 200, page
    assert b"alarms.app" in client.get("/en/admin/observatory/tally/").content
    assert client.get("/en/admin/observatory/tally/add/").status_code == 403


def test_a_row_back_dated_before_the_watermark_is_caught(worker):
    alarms(worker, 12, at(2026, 10))
    actions.refresh(at(2026, 11, 1))
    assert phone("2026-10") == 12
    # Written after the refresh but stamped in October (a phone that was offline sends
    # its alarm late, with the time it was raised): its id is above the watermark's.
    alarms(worker, 3, at(2026, 10, 20))
    assert actions.refresh(at(2026, 11, 2)) is True
    assert phone("2026-10") == 15
    assert Watermark.objects.get(source="alarms").last_id == Alarm.objects.latest("pk").pk
    # Read once: the next refresh has nothing new.
    assert actions.refresh(at(2026, 11, 3)) is False


def test_the_worker_stores_every_cube_so_no_request_computes_one(worker, monkeypatch):
    from umbrella.observatory import tasks
    from umbrella.observatory.models import Cube

    alarms(worker, 12, at(2026, 10))
    tasks.refresh_observatory(at(2027, 2, 15))
    stored = set(Cube.objects.values_list("slug", flat=True))
    assert stored == {d.slug for d in queries.datasets()}
    assert set(Cube.objects.values_list("generation", flat=True)) == {queries.generation()}
    queries.forget()  # another process: nothing in memory

    def computed(*args):
        raise AssertionError("a request computed a cube")

    monkeypatch.setattr(queries, "_compute", computed)
    assert phone("2026-10") == 12
    # A change: the next run stores the new generation's cubes and drops the old ones.
    monkeypatch.undo()
    alarms(worker, 3, at(2026, 10, 20))
    tasks.refresh_observatory(at(2027, 2, 15, 13))
    assert set(Cube.objects.values_list("generation", flat=True)) == {queries.generation()}
    monkeypatch.setattr(queries, "_compute", computed)
    assert phone("2026-10") == 15


def test_the_worker_renders_the_page_so_no_visitor_waits_for_it(worker, client, monkeypatch):
    from umbrella.observatory import pages, tasks
    from umbrella.observatory.models import RenderedFigures

    alarms(worker, 12, at(2026, 10))
    tasks.refresh_observatory(at(2027, 2, 15))
    stored = set(RenderedFigures.objects.values_list("language", "period", "by"))
    assert stored == {(lang, p, by) for lang in ("nl", "fr", "en") for p, by in pages.SELECTIONS}
    pages.forget_figures()  # another process: nothing in memory

    def rendered(*args):
        raise AssertionError("a visitor waited for a render")

    monkeypatch.setattr(pages, "_render", rendered)
    response = client.get("/fr/observatory/?period=month&by=municipality")
    assert response.status_code == 200
    assert "Alertes données avec le bouton panique de l’app" in response.content.decode()
    # A change: the next run renders the new generation and drops the old one.
    monkeypatch.undo()
    alarms(worker, 3, at(2026, 10, 20))
    tasks.refresh_observatory(at(2027, 2, 15, 13))
    assert set(RenderedFigures.objects.values_list("generation", flat=True)) == {
        queries.generation()
    }


def test_a_full_figures_cache_lets_go_of_the_least_recently_shown_first(
    worker, client, monkeypatch
):
    from cachetools import LRUCache

    from umbrella.observatory import pages, tasks

    alarms(worker, 12, at(2026, 10))
    tasks.refresh_observatory(at(2027, 2, 15))
    monkeypatch.setattr(pages, "_figures_cache", LRUCache(maxsize=2))
    read = []
    stored = pages._stored
    monkeypatch.setattr(pages, "_stored", lambda *key: read.append(key[1:3]) or stored(*key))
    for period in ("month", "quarter", "month", "year", "month", "quarter"):
        assert client.get(f"/en/observatory/?period={period}&by=region").status_code == 200
    # "month", shown between the others, stays in memory; "quarter" went when "year" came.
    assert read == [("month", "region"), ("quarter", "region"), ("year", "region"),
                    ("quarter", "region")]  # fmt: skip

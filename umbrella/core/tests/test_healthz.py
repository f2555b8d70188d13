from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from umbrella.core.actions import mark_worker_stopped, record_heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_503_naming_the_worker_when_no_worker_ever_beat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["worker"] == "down"
    assert body["down"] == ["worker"]


def test_healthz_is_200_with_a_fresh_heartbeat(client):
    now = timezone.now()
    record_heartbeat("test-host:1", now, now)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["worker"] == "ok"
    assert "down" not in response.json()


def test_healthz_goes_down_just_after_the_heartbeat_max_age(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 10
    beat = timezone.now()
    record_heartbeat("test-host:1", beat, beat)
    with time_machine.travel(beat + timedelta(seconds=9), tick=False):
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(beat + timedelta(seconds=10), tick=False):
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(beat + timedelta(seconds=11), tick=False):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["down"] == ["worker"]


def test_healthz_is_not_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_names_the_cache_and_answers_200_with_database_cache_and_worker_up(client):
    now = timezone.now()
    record_heartbeat("test-host:1", now, now)
    body = client.get("/healthz").json()
    assert (body["database"], body["cache"], body["worker"]) == ("ok", "ok", "ok")


def test_healthz_is_503_naming_the_cache_when_it_fails(client, monkeypatch):
    now = timezone.now()
    record_heartbeat("test-host:1", now, now)

    def broken(*args, **kwargs):
        raise ConnectionError("redis is gone")

    monkeypatch.setattr("umbrella.core.queries.cache.set", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


def test_a_worker_that_stopped_cleanly_no_longer_counts(client):
    now = timezone.now()
    record_heartbeat("test-host:1", now, now)
    mark_worker_stopped("test-host:1", now)
    assert client.get("/healthz").json()["down"] == ["worker"]


def test_liveness_answers_200_while_the_process_answers_even_with_no_worker(client):
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"live": "ok"}
    assert client.get("/healthz").status_code == 503  # readiness is what needs the worker


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live"])
def test_head_works_wherever_get_does(client, path):
    now = timezone.now()
    record_heartbeat("test-host:1", now, now)
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""
    assert client.post(path).status_code == 405


def test_healthz_is_503_naming_the_schema_while_a_migration_is_not_applied(client, monkeypatch):
    """A node whose code is ahead of its database fails its pages: not ready."""
    from django.db.migrations.recorder import MigrationRecorder

    from umbrella.core import queries

    now = timezone.now()
    record_heartbeat("test-host:1", now, now)
    monkeypatch.setattr(queries, "_schema_current", False)
    ok = client.get("/healthz").json()
    assert (ok["schema"], "pending_migrations" in ok) == ("ok", False)

    MigrationRecorder.Migration.objects.filter(app="observatory", name="0001_initial").delete()
    monkeypatch.setattr(queries, "_schema_current", False)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["schema"]
    assert body["pending_migrations"] == ["observatory.0001_initial"]
    # Applied again (manage.py deploy), the node is ready again.
    MigrationRecorder.Migration.objects.create(app="observatory", name="0001_initial")
    assert client.get("/healthz").status_code == 200


def test_a_process_that_found_its_schema_current_asks_the_database_no_more(
    client, django_assert_num_queries, monkeypatch
):
    from umbrella.core import queries

    monkeypatch.setattr(queries, "_schema_current", False)
    assert queries.pending_migrations() == []
    with django_assert_num_queries(0):
        assert queries.pending_migrations() == []

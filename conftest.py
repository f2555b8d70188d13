"""Test-wide set-up: the suite runs in Europe/Brussels, which has DST."""

import os
import time

os.environ["TZ"] = "Europe/Brussels"
if hasattr(time, "tzset"):
    time.tzset()

# Shared fixtures: browser tests (Chromium, axe-core, outside-request guard);
# personas, sign-in helpers and domain assertions for every app's tests.
pytest_plugins = ["umbrella.browser", "umbrella.testing"]

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file in WAL mode, as ``make run``'s is.

    Django's default, a database in memory, shares one cache between the
    connections of the threads, and there a reader meets a writer's table
    lock at once ("database table is locked": busy_timeout does not apply)
    where WAL lets it read the last commit: a stream replaying on a pool
    thread while the test thread published failed so, on a loaded machine.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup, django_db_blocker):
    """Close PostgreSQL's connection pools before the test database is dropped.

    The pool (settings: DATABASES OPTIONS "pool") keeps idle connections to
    the test database open; dropping it would then fail ("being accessed by
    other users") and leave it behind.
    """
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if getattr(connection, "pool", None) is not None:
                connection.close_pool()


@pytest.fixture
def geography(transactional_db):
    """The Brussels geography, for a transactional test (a browser test, a pool of threads).

    Loaded again when the previous transactional test's flush removed it.
    """
    from umbrella.areas.tests.conftest import reload_geography

    reload_geography()


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """Each test starts in the default language, whatever the one before it activated.

    A request through the test client (LocaleMiddleware) or a test's own
    ``translation.activate`` leaves that language active in the thread; the
    next test's translated text (a model's ``__str__``, a message) then came
    out in French or Dutch, and which tests failed depended on their order.
    """
    yield
    from django.utils import translation

    translation.deactivate()

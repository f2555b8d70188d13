"""notify test set-up: a VAPID key file per test, no database poll unless a test asks."""

import pytest

from umbrella.notify import fanout, providers
from umbrella.notify.vapid import ensure_keys


@pytest.fixture(autouse=True)
def _notify_settings(settings, tmp_path):
    # The poll runs in another thread with its own connection, which cannot
    # see a test's uncommitted rows; tests that exercise it turn it back on.
    settings.NOTIFY_POLL_SECONDS = 0
    settings.NOTIFY_HEARTBEAT_SECONDS = 15
    settings.VAPID_FILE = str(tmp_path / "vapid.json")
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_PRIVATE_KEY = ""
    settings.SMS_PROVIDER = "console"
    ensure_keys()
    providers.get_provider.cache_clear()
    fanout.sse_text.cache_clear()
    yield
    providers.get_provider.cache_clear()

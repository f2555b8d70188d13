from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from umbrella.core.actions import record_heartbeat
from umbrella.core.watchdog import check_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = [("Operator", "ops@example.org")]
    cache.clear()


def test_a_stalled_worker_raises_one_operator_alert_per_stall(caplog):
    now = timezone.now()
    record_heartbeat("w:1", now - timedelta(seconds=11), now - timedelta(minutes=5))
    assert check_worker(now) is False
    assert check_worker(now + timedelta(seconds=5)) is False
    assert len(mail.outbox) == 1
    assert "alarm worker is down" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["ops@example.org"]
    assert [r.levelname for r in caplog.records].count("CRITICAL") == 1


def test_a_recovered_worker_rearms_the_alert():
    now = timezone.now()
    assert check_worker(now) is False  # never beat
    record_heartbeat("w:1", now + timedelta(seconds=1), now)
    assert check_worker(now + timedelta(seconds=2)) is True
    assert check_worker(now + timedelta(seconds=60)) is False
    assert len(mail.outbox) == 2


def test_a_live_worker_raises_nothing():
    now = timezone.now()
    record_heartbeat("w:1", now, now)
    assert check_worker(now + timedelta(seconds=3)) is True
    assert mail.outbox == []

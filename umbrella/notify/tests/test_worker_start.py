"""The worker creates its senders' HTTP clients at start, not for the first alarm."""

from __future__ import annotations

from umbrella.core import outbound, worker
from umbrella.notify import providers, tasks


def test_the_senders_are_ready_before_the_first_alarm(monkeypatch):
    monkeypatch.setattr(tasks, "_pump", tasks.Pump())
    monkeypatch.setattr(outbound, "_client", None)
    providers.get_provider.cache_clear()
    assert tasks.prepare_senders in worker._STARTERS
    tasks.prepare_senders()
    assert providers.get_provider.cache_info().currsize == 1
    assert outbound._client is not None
    assert tasks._pump.pool is not None
    tasks._pump.pool.shutdown()

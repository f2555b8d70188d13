"""Helpers for notify tests: publish an event and commit it, read SSE frames."""

from __future__ import annotations

import asyncio
import json

from django.test import TestCase
from django.utils import timezone

from umbrella.notify import actions


def alarm_payload(alarm_id: int, *, tier: int = 1, status: str = "raised") -> dict:
    return {
        "alarm": {
            "id": alarm_id,
            "status": status,
            "source": "app",
            "raised_at": timezone.now().isoformat(),
        },
        "tier": tier,
    }


def publish_committed(
    owner, recipients, *, alarm_id=1, event_type="alarm.raised", tier=1, offline=True
):
    """Publish as an action would and run its on-commit callbacks (the fan-out)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.publish(
            event_type,
            alarm_id=alarm_id,
            owner_id=owner.pk if owner else None,
            payload=alarm_payload(alarm_id, tier=tier),
            recipient_ids=[r.pk for r in recipients],
            tier=tier,
            notify_offline=offline,
        )


def parse_frame(chunk: bytes | str) -> dict:
    """Parse one SSE frame into its fields ({"comment": ...} for a comment line)."""
    text = chunk.decode() if isinstance(chunk, bytes) else chunk
    fields: dict = {}
    for line in text.strip("\n").split("\n"):
        if line.startswith(":"):
            fields["comment"] = line[1:].strip()
        else:
            name, _, value = line.partition(": ")
            fields[name] = value
    if "data" in fields:
        fields["json"] = json.loads(fields["data"])
    return fields


class Stream:
    """An open SSE response read frame by frame."""

    def __init__(self, response) -> None:
        self.response = response
        self.frames = aiter(response.streaming_content)

    async def next(self, timeout: float = 5.0) -> dict:
        async with asyncio.timeout(timeout):
            return parse_frame(await anext(self.frames))

    async def next_event(self, timeout: float = 5.0) -> dict:
        """Return the next frame that is an event (skip comments and retry)."""
        while True:
            frame = await self.next(timeout)
            if "id" in frame:
                return frame

    async def nothing_for(self, seconds: float) -> bool:
        """Answer whether no event arrived within ``seconds``."""
        try:
            frame = await self.next_event(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected event {frame}")

    async def close(self) -> None:
        await self.frames.aclose()

"""Periodic task of the courses half: forget the addresses of invitations nobody used."""

from __future__ import annotations

from umbrella.core.worker import periodic_task
from umbrella.training.courses import actions


@periodic_task(idle_seconds=3600)
def erase_expired_invitation_addresses(now) -> bool:
    """An invitation expires after 30 days; its address is then no longer needed."""
    return actions.erase_expired_invitation_addresses(now) > 0

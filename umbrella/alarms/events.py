"""What alarms tell notify: event payloads and the one seam to ``notify.actions.publish``.

Payloads carry no precise location and no note: events are stored by notify
in clear, and responders fetch the details through the audited detail route.
"""

from __future__ import annotations

from collections.abc import Iterable

from umbrella.alarms.models import Alarm
from umbrella.notify import actions as notify_actions

# The values of notify.models.EventType (the contract in docs/alarms.md).
RAISED = "alarm.raised"
ESCALATED = "alarm.escalated"
ACKNOWLEDGED = "alarm.acknowledged"
RESOLVED = "alarm.resolved"
CANCELLED = "alarm.cancelled"


def notify_publish():
    """Return notify's ``publish``: the one seam tests replace to record or break it."""
    return notify_actions.publish


def alarm_summary(alarm: Alarm) -> dict:
    """Return the alarm as responders see it in an event (no precise location, no note)."""
    device = alarm.device
    return {
        "id": alarm.pk,
        "status": alarm.status,
        "source": alarm.source,
        "raised_at": alarm.raised_at.isoformat(),
        "acknowledged_at": alarm.acknowledged_at and alarm.acknowledged_at.isoformat(),
        "acknowledged_by": alarm.acknowledged_by.username if alarm.acknowledged_by else None,
        "resolved_at": alarm.resolved_at and alarm.resolved_at.isoformat(),
        "cancelled_at": alarm.cancelled_at and alarm.cancelled_at.isoformat(),
        "owner": alarm.owner.username if alarm.owner else None,
        "is_test": alarm.is_test,
        "is_duress": alarm.is_duress,
        "current_tier": alarm.current_tier,
        "has_location": alarm.has_location(),
        "nis_code": alarm.nis_code or None,
        "zone_code": alarm.zone_code or None,
        "room_label": device.room_label if device else None,
        "establishment": device.establishment.name if device else None,
    }


def publish(
    event_type: str,
    alarm: Alarm,
    recipient_ids: Iterable[int],
    *,
    tier: int,
    notify_offline: bool = True,
    extra: dict | None = None,
):
    """Publish one event about ``alarm`` inside the caller's transaction.

    A duress alarm hidden from its owner is published without ``owner_id``:
    her stream, maybe watched by the person she fears, must stay quiet.
    """
    payload = {"alarm": alarm_summary(alarm), "tier": tier, **(extra or {})}
    owner_id = None if alarm.concealed_from_owner else alarm.owner_id
    return notify_publish()(
        event_type,
        alarm_id=alarm.pk,
        owner_id=owner_id,
        payload=payload,
        recipient_ids=sorted(set(recipient_ids)),
        tier=tier,
        notify_offline=notify_offline,
    )


def remind(checkin, now) -> None:
    """Push her check-in's reminder to her own phone (notify queues one push per browser)."""
    notify_actions.remind(
        checkin.owner_id,
        payload={
            "checkin": {
                "id": checkin.pk,
                "due_at": checkin.due_at.isoformat(),
                "expires_at": checkin.expires_at().isoformat(),
            },
            # The transport formats this one in her language.
            "expires_at": checkin.expires_at().isoformat(),
        },
        now=now,
    )

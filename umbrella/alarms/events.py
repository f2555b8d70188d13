"""What alarms tell notify: event payloads and the one seam to ``notify.actions.publish``.

Payloads carry no precise location and no note: events are stored by notify
in clear, and responders fetch the details through the audited detail route.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from umbrella.alarms import queries
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


def alarm_summary(alarm: Alarm, viewer=None, *, area: bool = True) -> dict:
    """Return the alarm as its responders see it (no precise location, no note).

    The one shape of an alarm: every event's payload, the console's open alarms,
    and the API's answer (``schemas.alarm_out``, which leaves out ``area`` and
    adds the details). With a ``viewer`` it is the alarm as she may see it: a
    duress alarm looks cancelled to its owner, as it was at the cancel.
    ``area``: whether it has a location, and its municipality and police zone.
    """
    concealed = alarm.concealed_from_owner and queries.is_owner(alarm, viewer)
    cut = queries.cancelled_at_for(alarm, viewer) if concealed else None
    acknowledged_at = alarm.acknowledged_at
    if cut is not None and acknowledged_at is not None and acknowledged_at > cut:
        acknowledged_at = None
    device = alarm.device
    summary = {
        "id": alarm.pk,
        "status": alarm.status_for(viewer),
        "source": alarm.source,
        "raised_at": _iso(alarm.raised_at),
        "acknowledged_at": _iso(acknowledged_at),
        "acknowledged_by": (
            alarm.acknowledged_by.username if acknowledged_at and alarm.acknowledged_by else None
        ),
        "resolved_at": None if concealed else _iso(alarm.resolved_at),
        "cancelled_at": _iso(cut if concealed else alarm.cancelled_at),
        "owner": alarm.owner.username if alarm.owner else None,
        "is_test": alarm.is_test,
        "is_duress": alarm.is_duress and not concealed,
        "current_tier": queries.current_tier_for(alarm, viewer),
    }
    if area:
        summary |= {
            "has_location": alarm.has_location(),
            "nis_code": alarm.nis_code or None,
            "zone_code": alarm.zone_code or None,
        }
    summary |= {
        "room_label": device.room_label if device else None,
        "establishment": device.establishment.name if device else None,
    }
    return summary


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


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

"""Read-only queries of notify: stream replay and the web process's catch-up poll."""

from __future__ import annotations

from django.db.models import Max

from umbrella.notify.models import Event, EventRecipient


def replay_events(user_id: int, after_id: int, limit: int) -> list[tuple[int, str, dict]]:
    """Return up to ``limit`` events the person may see with id > ``after_id``, oldest first.

    Two index range scans (recipient's, owner's) merged in Python rather
    than one query with ``OR`` across a join, which databases plan poorly.
    """
    as_recipient = EventRecipient.objects.filter(user_id=user_id, event_id__gt=after_id)
    as_owner = Event.objects.filter(owner_id=user_id, id__gt=after_id)
    ids = sorted(
        set(as_recipient.order_by("event_id").values_list("event_id", flat=True)[:limit])
        | set(as_owner.order_by("id").values_list("id", flat=True)[:limit])
    )[:limit]
    if not ids:
        return []
    return list(
        Event.objects.filter(id__in=ids).order_by("id").values_list("id", "event_type", "payload")
    )


def latest_event_id() -> int:
    return Event.objects.aggregate(latest=Max("id"))["latest"] or 0


def events_since(after_id: int, limit: int = 200) -> list[dict]:
    """Return events with id > ``after_id`` as fan-out messages (with their recipients)."""
    rows = list(
        Event.objects.filter(id__gt=after_id)
        .order_by("id")
        .values("id", "event_type", "owner_id", "payload")[:limit]
    )
    if not rows:
        return []
    recipients: dict[int, list[int]] = {row["id"]: [] for row in rows}
    for event_id, user_id in EventRecipient.objects.filter(event_id__in=recipients).values_list(
        "event_id", "user_id"
    ):
        recipients[event_id].append(user_id)
    return [
        {
            "id": row["id"],
            "event_type": row["event_type"],
            "owner": row["owner_id"],
            "recipients": recipients[row["id"]],
            "payload": row["payload"],
        }
        for row in rows
    ]

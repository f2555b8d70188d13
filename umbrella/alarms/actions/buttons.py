"""Room buttons: register one (its key shown once), press it, test it."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction

from umbrella.accounts.models import Organisation, OrganisationKind, hash_secret
from umbrella.alarms.actions.alarms import raise_alarm
from umbrella.alarms.exceptions import NotAllowed
from umbrella.alarms.models import Alarm, RoomButton, Source
from umbrella.alarms.models.alarm import OPEN_STATUSES

# Presses of one button closer together than this are one alarm: a person in
# danger presses again and again, and a flaky button may call twice. Since a
# press joins the button's open alarm whatever its age, presses this close
# together are one alarm as long as nobody has closed it.
DEDUPE_WINDOW = timedelta(seconds=10)
KEY_BYTES = 24
PREFIX_LENGTH = 8


def button_for_key(device_key: str) -> RoomButton | None:
    """Return the active button with this key, or None (also for absurd input)."""
    if not device_key or len(device_key) > 200:
        return None
    return (
        RoomButton.objects.select_related("establishment")
        .filter(device_key_hash=hash_secret(device_key), revoked_at__isnull=True)
        .first()
    )


@transaction.atomic
def create_room_button(
    establishment: Organisation, room_label: str, now: datetime, *, test_mode: bool = False
) -> tuple[RoomButton, str]:
    """Register a button and return it with its device key; only the key's digest is kept."""
    if establishment.kind != OrganisationKind.ESTABLISHMENT:
        raise NotAllowed()
    key = secrets.token_urlsafe(KEY_BYTES)
    button = RoomButton.objects.create(
        establishment=establishment,
        room_label=room_label.strip(),
        device_key_hash=hash_secret(key),
        device_key_prefix=key[:PREFIX_LENGTH],
        test_mode=test_mode,
        created_at=now,
    )
    return button, key


@transaction.atomic
def set_test_mode(button: RoomButton, test_mode: bool) -> RoomButton:
    RoomButton.objects.filter(pk=button.pk).update(test_mode=test_mode)
    button.test_mode = test_mode
    return button


@transaction.atomic
def revoke_room_button(button: RoomButton, now: datetime) -> RoomButton:
    RoomButton.objects.filter(pk=button.pk, revoked_at__isnull=True).update(revoked_at=now)
    button.refresh_from_db()
    return button


@transaction.atomic
def press_room_button(device_key: str, now: datetime) -> tuple[Alarm, bool] | None:
    """Raise the room's alarm; return ``(alarm, created)``, or None for an unknown key.

    A press on a button whose alarm is still open (raised or acknowledged)
    joins that alarm, however old it is (``created`` False): someone pressing
    again and again, or a flaky button calling twice, is one call for help.
    Presses within ``DEDUPE_WINDOW`` of each other (measured from the
    previous press) are therefore one alarm while it is open. A closed alarm
    is never answered as a press's result: once it is resolved, the next
    press raises a new alarm. Test-mode and real alarms never join each
    other, so tests stay counted apart. The button row is locked first, so
    two presses arriving together still make one alarm.
    """
    button = button_for_key(device_key)
    if button is None:
        return None
    button = (
        RoomButton.objects.select_for_update(of=("self",))
        .select_related("establishment")
        .get(pk=button.pk)
    )
    RoomButton.objects.filter(pk=button.pk).update(last_seen_at=now)
    button.last_seen_at = now
    open_alarm = (
        Alarm.objects.filter(device=button, is_test=button.test_mode, status__in=OPEN_STATUSES)
        .order_by("-raised_at", "-pk")
        .first()
    )
    if open_alarm is not None:
        return open_alarm, False
    alarm = raise_alarm(None, Source.DEVICE, now, device=button, is_test=button.test_mode)
    return alarm, True

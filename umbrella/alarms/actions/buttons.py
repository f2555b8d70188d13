"""Room buttons: register one (its key shown once), press it, test it."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction

from umbrella.accounts.models import Organisation, OrganisationKind, hash_secret
from umbrella.alarms.actions.alarms import raise_alarm
from umbrella.alarms.exceptions import NotAllowed
from umbrella.alarms.models import Alarm, RoomButton, Source

# Presses of one button closer together than this are one alarm: a person in
# danger presses again and again, and a flaky button may call twice.
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

    A press within ``DEDUPE_WINDOW`` of the button's last alarm returns that
    alarm (``created`` False). The button row is locked first, so two presses
    arriving together still make one alarm.
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
    recent = (
        Alarm.objects.filter(device=button, raised_at__gt=now - DEDUPE_WINDOW, raised_at__lte=now)
        .order_by("-raised_at")
        .first()
    )
    if recent is not None:
        return recent, False
    alarm = raise_alarm(None, Source.DEVICE, now, device=button, is_test=button.test_mode)
    return alarm, True

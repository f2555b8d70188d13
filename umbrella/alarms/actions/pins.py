"""The duress PIN: set it, and tell a normal confirmation from a call for help."""

from __future__ import annotations

import enum
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.models import DuressPin

PIN_MIN_LENGTH = 4
PIN_MAX_LENGTH = 12


class PinCheck(enum.Enum):
    NORMAL = "normal"
    DURESS = "duress"


def check_pin(owner, pin: str | None) -> PinCheck:
    """Answer whether ``pin`` is the owner's duress PIN.

    Anything else (no PIN, another PIN) is a normal confirmation: there is
    no "wrong PIN" answer an aggressor could learn from.
    """
    if not pin:
        return PinCheck.NORMAL
    stored = DuressPin.objects.filter(owner=owner).values_list("pin_hash", flat=True).first()
    if stored and check_password(pin, stored):
        return PinCheck.DURESS
    return PinCheck.NORMAL


@transaction.atomic
def set_duress_pin(owner, pin: str, now: datetime) -> DuressPin:
    """Set (or replace) the owner's duress PIN; digits only."""
    pin = (pin or "").strip()
    if not (pin.isdigit() and PIN_MIN_LENGTH <= len(pin) <= PIN_MAX_LENGTH):
        raise AlarmError(
            _("A duress PIN is %(min)s to %(max)s digits.")
            % {"min": PIN_MIN_LENGTH, "max": PIN_MAX_LENGTH}
        )
    duress, _created = DuressPin.objects.update_or_create(
        owner=owner, defaults={"pin_hash": make_password(pin), "updated_at": now}
    )
    return duress


@transaction.atomic
def clear_duress_pin(owner) -> None:
    DuressPin.objects.filter(owner=owner).delete()

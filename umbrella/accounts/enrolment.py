"""One-time codes that let a staff member set up two-step verification.

With only a staff password, whoever came first could enrol their own
authenticator app and then read trafficking reports. So set-up needs a code
an administrator issues (Django admin action or ``manage.py
issue_enrolment_code USERNAME``), valid ``TWO_FACTOR_ENROLMENT_HOURS`` and
once. Only its digest is stored.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from umbrella.accounts.actions import (
    RECOVERY_CODE_ALPHABET,
    confirm_totp,
    normalise_recovery_code,
)
from umbrella.accounts.models import EnrolmentCode, User, hash_secret

CODE_GROUPS = 5
CODE_GROUP_LENGTH = 4


def _digest(code: str) -> str:
    return hash_secret("enrolment:" + normalise_recovery_code(code))


@transaction.atomic
def issue_enrolment_code(
    user: User, now: datetime, issued_by: User | None = None
) -> tuple[EnrolmentCode, str]:
    """Issue a code for ``user`` (earlier unused ones stop working); return it with its text."""
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    text = "-".join(
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    code = EnrolmentCode.objects.create(
        user=user,
        code_hash=_digest(text),
        issued_by=issued_by,
        created_at=now,
        expires_at=now.astimezone(UTC) + timedelta(hours=settings.TWO_FACTOR_ENROLMENT_HOURS),
    )
    return code, text


def usable_code(user: User, text: str, now: datetime) -> EnrolmentCode | None:
    """Return ``user``'s unused, unexpired code with this text, or ``None``."""
    found = EnrolmentCode.objects.filter(user=user, code_hash=_digest(text)).first()
    return found if found is not None and found.is_usable(now) else None


def is_usable_id(user: User, code_id: int | None, now: datetime) -> bool:
    found = EnrolmentCode.objects.filter(pk=code_id, user=user).first() if code_id else None
    return found is not None and found.is_usable(now)


@transaction.atomic
def enrol(user: User, code_id: int | None, token: str, now: datetime):
    """Confirm the pending authenticator with ``token`` and spend the enrolment code.

    The new authenticator replaces any earlier one: an administrator issues a
    code to someone who lost their phone, whose old app must stop working.
    Return the device, or ``None`` (nothing spent) when the code is no longer
    usable or the authenticator's code is wrong.
    """
    found = (
        EnrolmentCode.objects.select_for_update().filter(pk=code_id, user=user).first()
        if code_id
        else None
    )
    if found is None or not found.is_usable(now):
        return None
    device = confirm_totp(user, token)
    if device is None:
        return None
    found.used_at = now
    found.save(update_fields=["used_at"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device

"""Functions that change accounts, each in one transaction.

Views, API handlers, the demo command and other apps call these; nobody else
saves accounts models directly.

Recovery, a new passphrase and new recovery codes all mean "someone else may
have my keys" (a client or a partner who held her phone). Each of them
revokes every API token and ends every other browser session, then leaves a
``SignOutNotice`` that she is shown on her next sign-in (or at once, when
she stays signed in): which tokens (their names and dates) and how many
other sessions. No address and no device description is kept or shown.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from umbrella.accounts.models import (
    SELF_SIGN_UP_ROLES,
    AccountSession,
    ApiToken,
    Membership,
    MembershipRole,
    Organisation,
    RecoveryCode,
    Role,
    SignOutNotice,
    SignOutReason,
    User,
    hash_secret,
)

RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L, 5/S, 2/Z: codes are copied by hand from paper.
RECOVERY_CODE_ALPHABET = "346789abcdefghjkmnpqrtuvwxy"
RECOVERY_CODE_GROUPS = 4
RECOVERY_CODE_GROUP_LENGTH = 4
TOKEN_PREFIX = "umb_"  # noqa: S105 -- a public marker, not a secret.
TOTP_DEVICE_NAME = "authenticator app"


# --- People ---------------------------------------------------------------


@transaction.atomic
def create_account(
    username: str,
    role: Role | str,
    *,
    password: str | None = None,
    password_hash: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    two_factor_exempt: bool = False,
) -> User:
    """Create a person with a role (for staff roles, by an administrator or the demo).

    ``password_hash`` lets a caller that creates many accounts with one
    password hash it once: Argon2 is deliberately slow.
    """
    user = User(
        username=User.normalize_username(username),
        role=role,
        is_staff=is_staff,
        is_superuser=is_superuser,
        two_factor_exempt=two_factor_exempt,
    )
    if password_hash is not None:
        user.password = password_hash
    elif password is not None:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def sign_up(chosen_name: str, passphrase: str, role: Role | str) -> tuple[User, list[str]]:
    """Create a pseudonymous account and return it with its recovery codes.

    The plaintext codes exist only in the return value: show them once.
    """
    if role not in SELF_SIGN_UP_ROLES:
        raise ValueError(f"role {role!r} cannot sign up on its own")
    user = create_account(chosen_name, role, password=passphrase)
    codes = _create_recovery_codes(user)
    return user, codes


def sign_up_sex_worker(chosen_name: str, passphrase: str) -> tuple[User, list[str]]:
    """Create a sex worker's pseudonymous account; see ``sign_up``."""
    return sign_up(chosen_name, passphrase, Role.SEX_WORKER)


def sign_up_resident(chosen_name: str, passphrase: str) -> tuple[User, list[str]]:
    """Create a resident's (or merchant's) pseudonymous account; see ``sign_up``."""
    return sign_up(chosen_name, passphrase, Role.RESIDENT)


@transaction.atomic
def reset_account(
    user: User,
    *,
    role: Role | str,
    password_hash: str,
    is_staff: bool = False,
    is_superuser: bool = False,
    two_factor_exempt: bool = False,
) -> User:
    """Put an existing account back into a known state (used by the demo)."""
    user.role = role
    user.password = password_hash
    user.is_active = True
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    user.two_factor_exempt = two_factor_exempt
    user.save()
    return user


@transaction.atomic
def change_passphrase(
    user: User,
    new_passphrase: str,
    now: datetime,
    *,
    reason: SignOutReason = SignOutReason.PASSPHRASE,
    keep: tuple[str | None, ...] = (),
) -> User:
    """Set a new passphrase and sign every other device out (see ``sign_out_everywhere``).

    ``keep`` are the keys of the session she is using, which the caller keeps
    with ``update_session_auth_hash``.
    """
    user.set_password(new_passphrase)
    user.save(update_fields=["password"])
    sign_out_everywhere(user, reason, now, keep=keep)
    return user


# --- Recovery codes -------------------------------------------------------


def normalise_recovery_code(code: str) -> str:
    """Return the code without spaces, dashes or capitals, as it is hashed."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_recovery_code() -> str:
    groups = [
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_GROUP_LENGTH))
        for _ in range(RECOVERY_CODE_GROUPS)
    ]
    return "-".join(groups)


def _create_recovery_codes(user: User) -> list[str]:
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=hash_secret(normalise_recovery_code(code)))
        for code in codes
    )
    return codes


@transaction.atomic
def regenerate_recovery_codes(
    user: User, now: datetime, *, keep: tuple[str | None, ...] = ()
) -> list[str]:
    """Replace all of a person's recovery codes and return the new ones, once.

    New codes mean the old sheet may be in someone else's hands: every other
    device is signed out too (``keep``: the session she is using).
    """
    RecoveryCode.objects.filter(user=user).delete()
    codes = _create_recovery_codes(user)
    sign_out_everywhere(user, SignOutReason.RECOVERY_CODES, now, keep=keep)
    return codes


@transaction.atomic
def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Spend one unused recovery code of ``user``; answer whether it was valid."""
    digest = hash_secret(normalise_recovery_code(code))
    # The row lock makes two simultaneous uses of one code fail for one of them.
    found = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=digest, used_at__isnull=True)
        .first()
    )
    if found is None:
        return False
    found.used_at = now
    found.save(update_fields=["used_at"])
    return True


@transaction.atomic
def recover_account(user: User, code: str, new_passphrase: str, now: datetime) -> bool:
    """Set a new passphrase if ``code`` is one of the person's unused recovery codes."""
    if not use_recovery_code(user, code, now):
        return False
    # Whoever else is signed in (with a session or an API token) is out.
    change_passphrase(user, new_passphrase, now, reason=SignOutReason.RECOVERY)
    return True


def unused_recovery_code_count(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- Two-step verification (TOTP) -----------------------------------------


@transaction.atomic
def start_totp_setup(user: User) -> TOTPDevice:
    """Return the person's unconfirmed authenticator device, creating it if needed.

    Reusing the pending device keeps the QR code stable when the page reloads.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp(user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending authenticator device with a code from it.

    Return the confirmed device, or ``None`` when the code is wrong.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per person: a leftover pending secret is useless.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return device


@transaction.atomic
def verify_totp(user: User, token: str) -> TOTPDevice | None:
    """Return the confirmed device that accepts ``token``, or ``None``."""
    devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
    for device in devices.order_by("pk"):
        if device.verify_token(token):
            return device
    return None


@transaction.atomic
def remove_totp(user: User) -> int:
    """Delete every authenticator device of a person (an administrator's reset)."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


# --- API tokens -----------------------------------------------------------


@transaction.atomic
def issue_token(user: User, now: datetime, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token for ``user``; return it with its plaintext, shown once."""
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_secret(plaintext),
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        # In UTC: an aware local time plus days is wall-clock arithmetic in
        # Python, which would make a token issued before a DST change live an
        # hour more or less.
        expires_at=now.astimezone(UTC) + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, plaintext


@transaction.atomic
def revoke_token(token: ApiToken, now: datetime) -> ApiToken:
    """Revoke a token; revoking it again changes nothing."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token


@transaction.atomic
def revoke_all_tokens(user: User, now: datetime) -> int:
    """Revoke every token of ``user`` (``sign_out_everywhere`` also ends sessions)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


# --- Other devices and sessions -------------------------------------------


def _key_hash(session_key: str | None) -> str:
    return hash_secret(session_key or "")


@transaction.atomic
def remember_session(user: User, session_key: str | None, now: datetime) -> None:
    """Note a browser session of ``user`` (its key's digest), to count it if it is ended."""
    if session_key:
        AccountSession.objects.get_or_create(
            user=user, key_hash=_key_hash(session_key), defaults={"created_at": now}
        )


@transaction.atomic
def forget_session(user: User, session_key: str | None) -> None:
    AccountSession.objects.filter(user=user, key_hash=_key_hash(session_key)).delete()


@transaction.atomic
def sign_out_everywhere(
    user: User, reason: SignOutReason, now: datetime, *, keep: tuple[str | None, ...] = ()
) -> SignOutNotice:
    """Revoke every API token of ``user``, end every session but ``keep``, and note both.

    Sessions end through ``User.session_epoch``: Django refuses (and flushes)
    a session whose auth hash was made with the old value. The caller keeps
    the current session with ``update_session_auth_hash`` (or signs her in
    afresh) and passes its key(s) in ``keep`` so it is not counted.
    """
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now))
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    # Sessions older than the cookie's life are gone whatever happened.
    recent = AccountSession.objects.filter(
        user=user, created_at__gt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    kept = {_key_hash(key) for key in keep if key}
    other_sessions = recent.exclude(key_hash__in=kept).count()
    AccountSession.objects.filter(user=user).exclude(key_hash__in=kept).delete()
    return SignOutNotice.objects.create(
        user=user,
        reason=reason,
        created_at=now,
        tokens=[{"name": t.name, "created": t.created_at.isoformat()} for t in tokens],
        other_sessions=other_sessions,
    )


def _sentence(notice: SignOutNotice) -> str:
    when = formats.date_format(timezone.localtime(notice.created_at), "DATETIME_FORMAT")
    headings = {
        SignOutReason.RECOVERY: _(
            "Your account was recovered on %(date)s, so every other device was signed out."
        ),
        SignOutReason.PASSPHRASE: _(
            "Your passphrase was changed on %(date)s, so every other device was signed out."
        ),
        SignOutReason.RECOVERY_CODES: _(
            "Your recovery codes were renewed on %(date)s, so every other device was signed out."
        ),
    }
    parts = [headings[SignOutReason(notice.reason)] % {"date": when}]
    for token in notice.tokens:
        created = parse_datetime(token["created"])
        created_text = formats.date_format(timezone.localtime(created), "DATE_FORMAT")
        if token["name"]:
            parts.append(
                _("App token “%(name)s” (created %(created)s): signed out.")
                % {"name": token["name"], "created": created_text}
            )
        else:
            parts.append(
                _("An app token created %(created)s: signed out.") % {"created": created_text}
            )
    if notice.other_sessions:
        parts.append(
            ngettext(
                "%(count)d other browser session: signed out.",
                "%(count)d other browser sessions: signed out.",
                notice.other_sessions,
            )
            % {"count": notice.other_sessions}
        )
    if not notice.tokens and not notice.other_sessions:
        parts.append(_("No other device was signed in."))
    parts.append(_("If this was not you, tell your support organisation."))
    return " ".join(parts)


def show_sign_out_notices(request, user: User) -> None:
    """Put every notice she has not seen yet on her next page, and mark them seen."""
    if not hasattr(request, "_messages"):
        return
    with transaction.atomic():
        notices = list(
            SignOutNotice.objects.select_for_update()
            .filter(user=user, shown_at__isnull=True)
            .order_by("created_at")
        )
        for notice in notices:
            messages.warning(request, _sentence(notice))
        SignOutNotice.objects.filter(pk__in=[n.pk for n in notices]).update(shown_at=timezone.now())


@receiver(user_logged_in, dispatch_uid="accounts.remember_session")
def _on_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    remember_session(user, request.session.session_key, timezone.now())
    show_sign_out_notices(request, user)


@receiver(user_logged_out, dispatch_uid="accounts.forget_session")
def _on_sign_out(sender, request, user, **kwargs):
    if user is not None and request is not None and hasattr(request, "session"):
        forget_session(user, request.session.session_key)


# --- Organisations --------------------------------------------------------


@transaction.atomic
def ensure_organisation(
    name: str, kind: str, *, nis_code: str = "", zone_code: str = ""
) -> Organisation:
    """Return the organisation with this name, created or updated to match."""
    organisation, _ = Organisation.objects.update_or_create(
        name=name, defaults={"kind": kind, "nis_code": nis_code, "zone_code": zone_code}
    )
    return organisation


@transaction.atomic
def add_membership(
    user: User,
    organisation: Organisation,
    *,
    role: MembershipRole | str = MembershipRole.MEMBER,
    on_duty: bool = False,
) -> Membership:
    """Make ``user`` a member of ``organisation``; update the membership if it exists."""
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "on_duty": on_duty}
    )
    return membership


@transaction.atomic
def remove_membership(user: User, organisation: Organisation) -> bool:
    deleted, _ = Membership.objects.filter(user=user, organisation=organisation).delete()
    return bool(deleted)


def hash_password_once(password: str) -> str:
    """Return a password hash to give several accounts (see ``create_account``)."""
    return make_password(password)

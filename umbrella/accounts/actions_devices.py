"""End every other way into an account, and tell her what was ended.

Recovery, a new passphrase and new recovery codes all mean "someone else may
have my keys" (a client or a partner who held her phone). Each of them
revokes every API token and ends every other browser session, then leaves a
``SignOutNotice`` that she is shown on her next sign-in (or at once, when
she stays signed in): which tokens (their names and dates) and how many
other sessions. No address and no device description is kept or shown.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from umbrella.accounts.models import (
    AccountSession,
    ApiToken,
    SignOutNotice,
    SignOutReason,
    User,
    hash_secret,
)


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

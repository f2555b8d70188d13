"""Following a recommendation: signed-in followers, the public's e-mail requests (double
opt-in, signed links), and marking on-site notices read. Each change in one transaction.

The notices themselves (one per follower per change, and the e-mails the worker
sends) are in ``notices.py``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from umbrella.consultation.following.models import (
    EmailFollower,
    Follower,
    Notice,
    NoticeChannel,
    NoticeStatus,
)
from umbrella.consultation.tracker.models import Recommendation

logger = logging.getLogger(__name__)

CONFIRM_SALT = "consultation.email-follow.confirm"
UNSUBSCRIBE_SALT = "consultation.email-follow.unsubscribe"
# A confirmation link works this long; an unconfirmed request is forgotten after it.
CONFIRM_WITHIN = timedelta(days=7)


@transaction.atomic
def site_language(language: str | None) -> str:
    code = (language or "").split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@transaction.atomic
def follow(
    recommendation: Recommendation,
    user,
    *,
    language: str | None = None,
    now: datetime | None = None,
) -> Follower:
    """Make ``user`` follow ``recommendation`` (again: only her language is renewed).

    Her e-mails are written in ``language`` (by default the language of the page she
    followed from): the accounts do not record a person's language.
    """
    language = site_language(language or translation.get_language())
    follower, created = Follower.objects.get_or_create(
        recommendation=recommendation,
        user=user,
        defaults={"created_at": now or timezone.now(), "language": language},
    )
    if not created and follower.language != language:
        follower.language = language
        follower.save(update_fields=["language"])
    return follower


@transaction.atomic
def unfollow(recommendation: Recommendation, user) -> bool:
    """Stop ``user`` following ``recommendation``; answer whether she was following it."""
    deleted, _detail = Follower.objects.filter(recommendation=recommendation, user=user).delete()
    return bool(deleted)


def address_digest(address: str) -> str:
    """Return the keyed hash that finds an e-mail address without decrypting the rows."""
    return salted_hmac("consultation.email-follow", address.strip().lower()).hexdigest()


def confirm_token(follower: EmailFollower) -> str:
    return signing.dumps({"f": follower.pk}, salt=CONFIRM_SALT)


def unsubscribe_token(follower: EmailFollower) -> str:
    return signing.dumps(
        {"f": follower.pk, "d": follower.address_digest[:16]}, salt=UNSUBSCRIBE_SALT
    )


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send_confirmation(follower_id: int) -> None:
    """Send the double opt-in e-mail after commit (a failure is logged; she may ask again)."""
    follower = EmailFollower.objects.select_related("recommendation").filter(pk=follower_id).first()
    if follower is None or follower.address is None:
        return
    with translation.override(follower.language):
        context = {
            "recommendation": follower.recommendation,
            "title": follower.recommendation.translated("title", follower.language),
            "confirm_url": absolute(
                reverse("consultation:recommendation_email_confirm", args=[confirm_token(follower)])
            ),
            "unsubscribe_url": absolute(
                reverse(
                    "consultation:recommendation_unsubscribe", args=[unsubscribe_token(follower)]
                )
            ),
            "days": CONFIRM_WITHIN.days,
        }
        try:
            send_mail(
                _("Confirm: e-mails about a recommendation"),
                render_to_string("consultation/recommendation_email_confirm.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [follower.address],
            )
        except Exception:
            logger.exception("confirmation e-mail for e-mail follower %s not sent", follower_id)


@transaction.atomic
def request_email_follow(
    recommendation: Recommendation, address: str, *, language: str, now: datetime | None = None
) -> EmailFollower:
    """Record a request for e-mails on ``recommendation`` and send the confirmation link.

    A confirmed address is left as it is (no second e-mail). An unconfirmed
    one gets a fresh confirmation e-mail.
    """
    now = now or timezone.now()
    address = address.strip()
    digest = address_digest(address)
    follower = (
        EmailFollower.objects.select_for_update()
        .filter(recommendation=recommendation, address_digest=digest)
        .first()
    )
    if follower is None:
        follower = EmailFollower.objects.create(
            recommendation=recommendation,
            address=address,
            address_digest=digest,
            language=language,
            created_at=now,
        )
    elif follower.is_confirmed():
        return follower
    else:
        follower.created_at, follower.language = now, language
        follower.save(update_fields=["created_at", "language"])
    transaction.on_commit(partial(_send_confirmation, follower.pk), robust=True)
    return follower


def _load(token: str, salt: str, max_age: timedelta | None) -> int | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return data.get("f") if isinstance(data, dict) else None


@transaction.atomic
def confirm_email_follow(token: str, *, now: datetime | None = None) -> EmailFollower | None:
    """Confirm the request the link was sent for; ``None`` for a bad or expired link."""
    follower_id = _load(token, CONFIRM_SALT, CONFIRM_WITHIN)
    if follower_id is None:
        return None
    follower = EmailFollower.objects.select_for_update().filter(pk=follower_id).first()
    if follower is None:
        return None
    if follower.confirmed_at is None:
        follower.confirmed_at = now or timezone.now()
        follower.save(update_fields=["confirmed_at"])
    return follower


@transaction.atomic
def unsubscribe_email(token: str) -> bool:
    """Forget the address behind an unsubscribe link; answer whether one was forgotten."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    follower_id = data.get("f") if isinstance(data, dict) else None
    if follower_id is None:
        return False
    deleted, _detail = EmailFollower.objects.filter(
        pk=follower_id, address_digest__startswith=data.get("d") or "-"
    ).delete()
    return bool(deleted)


@transaction.atomic
def forget_unconfirmed(now: datetime) -> int:
    """Delete requests never confirmed within ``CONFIRM_WITHIN`` (store the minimum)."""
    deleted, _detail = EmailFollower.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - CONFIRM_WITHIN
    ).delete()
    return deleted


@transaction.atomic
def mark_notices_read(user, *, now: datetime | None = None) -> int:
    """Mark ``user``'s on-site notices read."""
    return Notice.objects.filter(
        user=user, channel=NoticeChannel.SITE, status=NoticeStatus.QUEUED
    ).update(status=NoticeStatus.READ, sent_at=now or timezone.now())

"""Notices to followers: one row per follower per change, and the e-mails the worker sends.

``tell_followers`` queues them inside the change's transaction (the tracker's
actions call it); the worker (``consultation/tasks.py``) claims due e-mail
notices from the ``NOTICES`` outbox (core/outbox.py, declared beside the model),
so two workers never send the same one, and retries a failure after 2, 4, 8 …
minutes, giving up after ``NOTICE_ATTEMPTS``.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from umbrella.consultation.following.actions import absolute, site_language, unsubscribe_token
from umbrella.consultation.following.models import (
    NOTICES,
    EmailFollower,
    Follower,
    Notice,
    NoticeChannel,
    NoticeStatus,
)
from umbrella.consultation.tracker.models import RecommendationChange

logger = logging.getLogger(__name__)

NOTICE_ATTEMPTS = NOTICES.backoff.max_attempts()
# Set after the commit of queued e-mail notices, in any process (core/wakeup.py):
# the worker's lane sleeps until the next due notice and wakes at once.
notices_queued = NOTICES.wake


def tell_followers(change: RecommendationChange, by, now: datetime) -> int:
    """Queue one notice per follower of the changed recommendation (not its author)."""
    notices = []
    followers = Follower.objects.filter(recommendation=change.recommendation_id).select_related(
        "user"
    )
    for follower in followers:
        user = follower.user
        if by is not None and user.pk == getattr(by, "pk", None):
            continue
        if not user.is_active:
            continue
        by_email = bool(user.email)
        notices.append(
            Notice(
                change=change,
                user=user,
                channel=NoticeChannel.EMAIL if by_email else NoticeChannel.SITE,
                created_at=now,
                due_at=now if by_email else None,
            )
        )
    confirmed = EmailFollower.objects.filter(
        recommendation=change.recommendation_id, confirmed_at__isnull=False
    )
    notices.extend(
        Notice(
            change=change,
            email_follower=follower,
            channel=NoticeChannel.EMAIL,
            created_at=now,
            due_at=now,
        )
        for follower in confirmed
    )
    Notice.objects.bulk_create(notices)
    if any(n.channel == NoticeChannel.EMAIL for n in notices):
        NOTICES.queued()
    return len(notices)


def claim_due_notices(now: datetime, limit: int = 20) -> list[Notice]:
    """Claim up to ``limit`` due e-mail notices (two workers never share one); each
    claim counts an attempt."""
    return NOTICES.claim(now, limit=limit)


def _notice_mail(notice: Notice) -> tuple[str, str, str, str] | None:
    """Return ``(subject, body, address, language)`` of a notice, or ``None`` without address."""
    follower = notice.email_follower
    if follower is not None:
        if follower.address is None or not follower.is_confirmed():
            return None
        address, language = follower.address, follower.language
        unsubscribe = reverse(
            "consultation:recommendation_unsubscribe", args=[unsubscribe_token(follower)]
        )
    else:
        address = notice.user.email if notice.user else ""
        # The language she followed in (the accounts keep no language of their own).
        language = site_language(
            Follower.objects.filter(recommendation=notice.change.recommendation, user=notice.user)
            .values_list("language", flat=True)
            .first()
        )
        if not address:
            return None
        unsubscribe = reverse(
            "consultation:recommendation_unfollow", args=[notice.change.recommendation.slug]
        )
    change = notice.change
    with translation.override(language):
        title = change.recommendation.translated("title", language)
        sentence = render_to_string("consultation/tracker_change.html", {"change": change})
        context = {
            "change": change,
            "sentence": html.unescape(" ".join(sentence.split())),
            "title": title,
            "url": absolute(change.recommendation.get_absolute_url()),
            "unsubscribe_url": absolute(unsubscribe),
            "public_follower": bool(notice.email_follower_id),
        }
        subject = _("Update: %(title)s") % {"title": title[:120]}
        body = render_to_string("consultation/recommendation_email_update.txt", context)
    return subject, body, address, language


def send_notice(notice: Notice, *, now: datetime | None = None) -> bool:
    """Send one claimed e-mail notice and record the outcome; answer whether it went out."""
    now = now or timezone.now()
    mail = _notice_mail(notice)
    if mail is None:
        NOTICES.settle(
            notice, status=NoticeStatus.FAILED, last_error="no address to send to", due_at=None
        )
        return False
    subject, body, address, _language = mail
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as exc:  # SMTP errors are many classes; all are retried
        retry_at = NOTICES.backoff.retry_at(now, notice.attempts)
        NOTICES.settle(
            notice,
            status=NoticeStatus.FAILED if retry_at is None else NoticeStatus.QUEUED,
            last_error=f"{type(exc).__name__}: {exc}"[:300],
            due_at=retry_at,
        )
        logger.warning("notice %s not sent: %s", notice.pk, exc)
        return False
    NOTICES.settle(notice, status=NoticeStatus.SENT, sent_at=now, due_at=None, last_error="")
    return True


def send_due_notices(now: datetime, limit: int = 20) -> int:
    """Claim and send due e-mail notices; return how many went out."""
    return sum(send_notice(notice, now=now) for notice in claim_due_notices(now, limit))

"""Every change to the recommendations tracker, each in one transaction.

``update_recommendation`` is the one way a recommendation's status or progress
changes (the secretary's form, the API of other apps, and
``actions_meetings.record_decision`` inside its own transaction). It writes
the change row, recomputes every ancestor's progress (each recomputation a row
of its own) and queues one notice per follower of each recommendation that
changed.
"""

from __future__ import annotations

import html
import logging
import threading
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from umbrella.consultation.models import (
    DEFAULT_PROGRESS,
    ChangeKind,
    EmailFollower,
    Follower,
    Milestone,
    Notice,
    NoticeChannel,
    NoticeStatus,
    Recommendation,
    RecommendationChange,
    RecommendationComment,
    TrackerStatus,
)

logger = logging.getLogger(__name__)

CONFIRM_SALT = "consultation.email-follow.confirm"
UNSUBSCRIBE_SALT = "consultation.email-follow.unsubscribe"
# A confirmation link works this long; an unconfirmed request is forgotten after it.
CONFIRM_WITHIN = timedelta(days=7)
NOTICE_ATTEMPTS = 5
MAX_COMMENT_LENGTH = 4000
MAX_NOTE_LENGTH = 2000
# Set when e-mail notices are queued in this process: the worker lane wakes at once.
notices_queued = threading.Event()


# --- status and progress ------------------------------------------------------------


def _check_progress(progress) -> int:
    if isinstance(progress, bool) or not isinstance(progress, int):
        raise ValidationError(
            {"progress": _("The progress must be a whole number from 0 to 100.")}, code="invalid"
        )
    if not 0 <= progress <= 100:
        raise ValidationError(
            {"progress": _("The progress must be a whole number from 0 to 100.")}, code="range"
        )
    return progress


def weighted_progress(children) -> int | None:
    """Return the weighted mean progress of ``children``, abandoned ones left out.

    Rounded half up to a whole percent; ``None`` when no child counts.
    """
    counted = [(c.weight, c.progress) for c in children if c.status != TrackerStatus.ABANDONED]
    total_weight = sum(weight for weight, _progress in counted)
    if not total_weight:
        return None
    total = sum(weight * progress for weight, progress in counted)
    return (2 * total + total_weight) // (2 * total_weight)


def _followers_told(change: RecommendationChange, by, now: datetime) -> int:
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
        transaction.on_commit(notices_queued.set)
    return len(notices)


def _roll_up(start: Recommendation, *, by, decision, cause: RecommendationChange, now) -> None:
    """Recompute the progress of every ancestor of ``start``; one change row for each move."""
    node = start.parent_id and Recommendation.objects.select_for_update().get(pk=start.parent_id)
    seen = {start.pk}
    while node and node.pk not in seen:
        seen.add(node.pk)
        children = list(node.children.all())
        figure = weighted_progress(children)
        if figure is not None and figure != node.progress:
            old = node.progress
            node.progress = figure
            node.updated_at = now
            node.save(update_fields=["progress", "updated_at"])
            change = RecommendationChange.objects.create(
                recommendation=node,
                kind=ChangeKind.ROLLUP,
                changed_by=by,
                changed_at=now,
                old_status=node.status,
                new_status=node.status,
                old_progress=old,
                new_progress=figure,
                decision=decision,
                caused_by=cause,
            )
            _followers_told(change, by, now)
            cause = change
        node = node.parent_id and Recommendation.objects.select_for_update().get(pk=node.parent_id)


@transaction.atomic
def update_recommendation(
    recommendation: Recommendation,
    *,
    by,
    status: str | None = None,
    progress: int | None = None,
    note: str = "",
    decision=None,
    now: datetime | None = None,
) -> RecommendationChange:
    """Change a recommendation's status and/or progress; return the change row.

    A status given without a progress sets the status's default progress
    (``DEFAULT_PROGRESS``); "abandoned" keeps the figure reached. A
    recommendation with parts takes no progress of its own: it is recomputed
    from its parts. Raise ``ValidationError`` (translated, per field) on a bad
    value or when nothing would change.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    errors = {}
    if status is not None and status not in TrackerStatus.values:
        errors["status"] = _("Choose one of the statuses in the list.")
    if progress is not None:
        try:
            progress = _check_progress(progress)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = _("The note is too long: %(limit)s characters at most.") % {
            "limit": MAX_NOTE_LENGTH
        }
    if errors:
        raise ValidationError(errors)

    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    has_parts = recommendation.children.exists()
    if progress is not None and has_parts and progress != recommendation.progress:
        raise ValidationError(
            {"progress": _("This recommendation has parts: its progress is computed from theirs.")}
        )
    old_status, old_progress = recommendation.status, recommendation.progress
    new_status = status or old_status
    if progress is not None:
        new_progress = progress
    elif status is not None and status != old_status and not has_parts:
        new_progress = DEFAULT_PROGRESS.get(new_status, old_progress)
    else:
        new_progress = old_progress
    if new_status == TrackerStatus.IMPLEMENTED and new_progress != 100 and not has_parts:
        raise ValidationError(
            {
                "progress": _(
                    "An implemented recommendation is at 100 %; change the status or the progress."
                )
            }
        )
    if new_status == old_status and new_progress == old_progress and not note and decision is None:
        raise ValidationError(_("Nothing to change: give a new status, a new progress or a note."))

    recommendation.status = new_status
    recommendation.progress = new_progress
    recommendation.updated_at = now
    recommendation.save(update_fields=["status", "progress", "updated_at"])
    change = RecommendationChange.objects.create(
        recommendation=recommendation,
        kind=ChangeKind.UPDATE,
        changed_by=by,
        changed_at=now,
        old_status=old_status,
        new_status=new_status,
        old_progress=old_progress,
        new_progress=new_progress,
        note=note,
        decision=decision,
    )
    _followers_told(change, by, now)
    # An abandoned part leaves the roll-up, so its parent moves even when
    # its own figure stays.
    if new_progress != old_progress or new_status != old_status:
        _roll_up(recommendation, by=by, decision=decision, cause=change, now=now)
    return change


@transaction.atomic
def recompute_tree(recommendation: Recommendation, *, by, now: datetime | None = None) -> int:
    """Recompute the progress of ``recommendation`` (if it has parts) and of its ancestors.

    For edits of the hierarchy itself (a part moved or re-weighted in the
    admin). Return the number of recommendations whose progress moved.
    """
    now = now or timezone.now()
    before = RecommendationChange.objects.filter(kind=ChangeKind.ROLLUP).count()
    node = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    figure = weighted_progress(list(node.children.all()))
    cause = None
    if figure is not None and figure != node.progress:
        old = node.progress
        node.progress, node.updated_at = figure, now
        node.save(update_fields=["progress", "updated_at"])
        cause = RecommendationChange.objects.create(
            recommendation=node,
            kind=ChangeKind.ROLLUP,
            changed_by=by,
            changed_at=now,
            old_status=node.status,
            new_status=node.status,
            old_progress=old,
            new_progress=figure,
        )
        _followers_told(cause, by, now)
    _roll_up(node, by=by, decision=None, cause=cause, now=now)
    return RecommendationChange.objects.filter(kind=ChangeKind.ROLLUP).count() - before


# --- milestones -----------------------------------------------------------------------


@transaction.atomic
def record_edit(
    recommendation: Recommendation, *, by, fields: list[str], now: datetime | None = None
) -> RecommendationChange | None:
    """Trace an edit of a recommendation's text, responsible actors, indicators or place
    (made in the admin): who, which fields, when. Status and progress are unchanged (they
    move through ``update_recommendation`` only). Nothing is written when nothing changed."""
    fields = [name for name in dict.fromkeys(fields) if name]
    if not fields:
        return None
    recommendation.refresh_from_db(fields=["status", "progress"])
    return RecommendationChange.objects.create(
        recommendation=recommendation,
        kind=ChangeKind.EDIT,
        changed_by=by,
        changed_at=now or timezone.now(),
        old_status=recommendation.status,
        new_status=recommendation.status,
        old_progress=recommendation.progress,
        new_progress=recommendation.progress,
        note=",".join(fields),
    )


def _milestone_change(milestone: Milestone, *, by, note: str, now) -> RecommendationChange:
    recommendation = milestone.recommendation
    change = RecommendationChange.objects.create(
        recommendation=recommendation,
        kind=ChangeKind.MILESTONE,
        changed_by=by,
        changed_at=now,
        old_status=recommendation.status,
        new_status=recommendation.status,
        old_progress=recommendation.progress,
        new_progress=recommendation.progress,
        milestone=milestone,
        note=note,
    )
    Recommendation.objects.filter(pk=recommendation.pk).update(updated_at=now)
    _followers_told(change, by, now)
    return change


@transaction.atomic
def save_milestone(
    recommendation: Recommendation,
    *,
    by,
    due_on: date,
    title_nl: str = "",
    title_fr: str = "",
    title_en: str = "",
    evidence_url: str = "",
    done: bool = False,
    milestone: Milestone | None = None,
    now: datetime | None = None,
) -> Milestone:
    """Add a milestone to ``recommendation`` or change ``milestone``; record the change."""
    now = now or timezone.now()
    if not any(t.strip() for t in (title_nl, title_fr, title_en)):
        raise ValidationError(
            {"title_en": _("Give the milestone a title in at least one language.")}
        )
    if milestone is None:
        milestone = Milestone(recommendation=recommendation)
    elif milestone.recommendation_id != recommendation.pk:
        raise ValidationError(_("This milestone belongs to another recommendation."))
    was_done = milestone.done if milestone.pk else None
    milestone.due_on = due_on
    milestone.title_nl, milestone.title_fr, milestone.title_en = (
        title_nl.strip(),
        title_fr.strip(),
        title_en.strip(),
    )
    milestone.evidence_url = evidence_url.strip()
    milestone.done = done
    milestone.full_clean()
    milestone.save()
    if was_done is None:
        note = "added"
    elif was_done != done:
        note = "done" if done else "reopened"
    else:
        note = "edited"
    _milestone_change(milestone, by=by, note=note, now=now)
    return milestone


# --- following ------------------------------------------------------------------------


@transaction.atomic
def _site_language(language: str | None) -> str:
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
    language = _site_language(language or translation.get_language())
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


def _absolute(path: str) -> str:
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
            "confirm_url": _absolute(
                reverse("consultation:recommendation_email_confirm", args=[confirm_token(follower)])
            ),
            "unsubscribe_url": _absolute(
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
    if not isinstance(data, dict):
        return False
    deleted, _detail = EmailFollower.objects.filter(
        pk=data.get("f"), address_digest__startswith=data.get("d") or "-"
    ).delete()
    return bool(deleted)


@transaction.atomic
def forget_unconfirmed(now: datetime) -> int:
    """Delete requests never confirmed within ``CONFIRM_WITHIN`` (store the minimum)."""
    deleted, _detail = EmailFollower.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - CONFIRM_WITHIN
    ).delete()
    return deleted


# --- comments ---------------------------------------------------------------------------


@transaction.atomic
def add_comment(
    recommendation: Recommendation,
    *,
    author,
    body: str,
    change: RecommendationChange | None = None,
    now: datetime | None = None,
) -> RecommendationComment:
    """Add a platform member's comment on ``recommendation`` (or one of its updates)."""
    from umbrella.consultation.queries_tracker import may_comment

    if not may_comment(author):
        raise PermissionDenied(_("Only members of the consultation platform may comment."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {
                "body": _("The comment is too long: %(limit)s characters at most.")
                % {"limit": MAX_COMMENT_LENGTH}
            }
        )
    if change is not None and change.recommendation_id != recommendation.pk:
        raise ValidationError(_("This update belongs to another recommendation."))
    return RecommendationComment.objects.create(
        recommendation=recommendation,
        change=change,
        author=author,
        body=body,
        created_at=now or timezone.now(),
    )


# --- notices ------------------------------------------------------------------------------


@transaction.atomic
def mark_notices_read(user, *, now: datetime | None = None) -> int:
    """Mark ``user``'s on-site notices read."""
    return Notice.objects.filter(
        user=user, channel=NoticeChannel.SITE, status=NoticeStatus.QUEUED
    ).update(status=NoticeStatus.READ, sent_at=now or timezone.now())


def claim_due_notices(now: datetime, limit: int = 20) -> list[Notice]:
    """Claim up to ``limit`` due e-mail notices (compare-and-set: two workers never share one)."""
    ids = list(
        Notice.objects.filter(
            status=NoticeStatus.QUEUED, channel=NoticeChannel.EMAIL, due_at__lte=now
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for notice_id in ids:
        # The claim: move due_at past the send; only one worker's update matches.
        moved = Notice.objects.filter(
            pk=notice_id, status=NoticeStatus.QUEUED, due_at__lte=now
        ).update(due_at=now + timedelta(minutes=5), attempts=F("attempts") + 1)
        if moved:
            claimed.append(notice_id)
    return list(
        Notice.objects.filter(pk__in=claimed).select_related(
            "change__recommendation", "change__decision", "user", "email_follower"
        )
    )


def _notice_mail(notice: Notice) -> tuple[str, str, str, str] | None:
    """Return ``(subject, body, address, language)`` of a notice, or ``None`` without address."""
    if notice.email_follower_id:
        follower = notice.email_follower
        if follower.address is None or not follower.is_confirmed():
            return None
        address, language = follower.address, follower.language
        unsubscribe = reverse(
            "consultation:recommendation_unsubscribe", args=[unsubscribe_token(follower)]
        )
    else:
        address = notice.user.email
        # The language she followed in (the accounts keep no language of their own).
        language = _site_language(
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
            "url": _absolute(change.recommendation.get_absolute_url()),
            "unsubscribe_url": _absolute(unsubscribe),
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
        Notice.objects.filter(pk=notice.pk).update(
            status=NoticeStatus.FAILED, last_error="no address to send to", due_at=None
        )
        return False
    subject, body, address, _language = mail
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as exc:  # SMTP errors are many classes; all are retried
        final = notice.attempts >= NOTICE_ATTEMPTS
        Notice.objects.filter(pk=notice.pk).update(
            status=NoticeStatus.FAILED if final else NoticeStatus.QUEUED,
            last_error=f"{type(exc).__name__}: {exc}"[:300],
            due_at=None if final else now + timedelta(minutes=2**notice.attempts),
        )
        logger.warning("notice %s not sent: %s", notice.pk, exc)
        return False
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENT, sent_at=now, due_at=None, last_error=""
    )
    return True


def send_due_notices(now: datetime, limit: int = 20) -> int:
    """Claim and send due e-mail notices; return how many went out."""
    return sum(send_notice(notice, now=now) for notice in claim_due_notices(now, limit))


def pending_notice_filter() -> Q:
    return Q(status=NoticeStatus.QUEUED, channel=NoticeChannel.EMAIL)

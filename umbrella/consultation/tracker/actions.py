"""Every change to the recommendations tracker, each in one transaction.

``update_recommendation`` is the one way a recommendation's status or progress
changes (the secretary's form, the API of other apps, and the meetings'
``record_decision`` inside its own transaction). It writes the change row,
recomputes every ancestor's progress (each recomputation a row of its own)
and queues one notice per follower of each recommendation that changed
(``following/notices.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from umbrella.consultation.following.notices import tell_followers
from umbrella.consultation.tracker.models import (
    DEFAULT_PROGRESS,
    ChangeKind,
    Milestone,
    Recommendation,
    RecommendationChange,
    RecommendationComment,
    TrackerStatus,
)
from umbrella.core.exceptions import Refused

MAX_COMMENT_LENGTH = 4000
MAX_NOTE_LENGTH = 2000


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


def _roll_up(
    start: Recommendation, *, by, decision, cause: RecommendationChange | None, now
) -> None:
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
            tell_followers(change, by, now)
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
    errors: dict[str, str | list[str]] = {}
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
    tell_followers(change, by, now)
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
        tell_followers(cause, by, now)
    _roll_up(node, by=by, decision=None, cause=cause, now=now)
    return RecommendationChange.objects.filter(kind=ChangeKind.ROLLUP).count() - before


# --- edits and milestones ------------------------------------------------------------


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
    tell_followers(change, by, now)
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
    from umbrella.consultation.tracker.queries import may_comment

    if not may_comment(author):
        raise Refused(_("Only members of the consultation platform may comment."))
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

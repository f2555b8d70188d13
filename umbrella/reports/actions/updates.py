"""What happens to a report after it was submitted: updates, transitions, reopening, answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umbrella.reports.actions.common import (
    FIXED_QUESTION_AFTER_DAYS,
    hash_code,
    public_data_changed,
)
from umbrella.reports.actions.errors import NON_FIELD, ReportInvalid
from umbrella.reports.actions.notifying import queue_notifications
from umbrella.reports.models import (
    Body,
    CloseReason,
    FixedAnswer,
    NotificationEvent,
    RecipientReason,
    Report,
    ReportRecipient,
    ReportStatus,
    ReportUpdate,
    UpdateKind,
)

S = ReportStatus

# Which status a body's staff may move a report to, from each status.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.OPEN, S.IN_PROGRESS, S.CLOSED, S.REFERRED}),
    S.OPEN: frozenset({S.IN_PROGRESS, S.FIXED, S.CLOSED, S.REFERRED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.FIXED, S.CLOSED, S.REFERRED}),
    S.FIXED: frozenset({S.OPEN, S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset({S.OPEN}),
    S.REFERRED: frozenset({S.OPEN, S.IN_PROGRESS, S.FIXED, S.CLOSED, S.REFERRED}),
}
# The reporter may reopen a report that was fixed or closed.
REOPENABLE = frozenset({S.FIXED, S.CLOSED})
# While a report is in one of these, the "is it fixed?" question may be asked.
ASKABLE = frozenset({S.OPEN, S.IN_PROGRESS, S.REFERRED})

TEXT_MAX = 5000


def can_transition(from_status: str, to_status: str) -> bool:
    """Answer whether a body's staff may move a report from ``from_status`` to ``to_status``."""
    return to_status in TRANSITIONS.get(from_status, frozenset())


def _lock(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "body")
        .get(pk=report.pk)
    )


def _apply_status(report: Report, to_status: str, now: datetime) -> None:
    report.status = to_status
    report.status_changed_at = now
    report.updated_at = now
    if to_status == S.FIXED:
        report.fixed_at = now
        report.fixed_question_due_at = None
    if to_status == S.CLOSED:
        report.closed_at = now
        report.fixed_question_due_at = None
    if to_status in (S.OPEN, S.IN_PROGRESS, S.REFERRED):
        report.closed_at = None
        report.close_reason = ""
        if to_status == S.OPEN:
            report.fixed_at = None
        if report.fixed_question_due_at is None and not report.fixed_question_asked_at:
            report.fixed_question_due_at = now + timedelta(days=FIXED_QUESTION_AFTER_DAYS)


def _acting_body(user, report: Report) -> Body | None:
    from umbrella.reports.access import acting_bodies

    bodies = acting_bodies(user, report)
    return bodies[0] if bodies else None


def post_update(
    report: Report,
    *,
    author,
    text: str,
    new_status: str | None = None,
    close_reason: str | None = None,
    referred_to: Body | None = None,
    public: bool = True,
    now: datetime | None = None,
) -> ReportUpdate:
    """Post an update on behalf of the author's body, maybe moving the report to ``new_status``.

    The author must be staff of a body that received the report (``can_update``).
    Closing needs a ``close_reason``; referring needs ``referred_to`` (another
    active body), which then receives the report, leads it and is notified.
    The first update by a body sets ``first_response_at``. Raises
    ``ReportInvalid`` for a transition the table does not allow.
    """
    now = now or timezone.now()
    text = (text or "").strip()
    errors: dict[str, list] = {}
    if len(text) > TEXT_MAX:
        errors["text"] = [_("Keep the update under %(limit)d characters.") % {"limit": TEXT_MAX}]
    if new_status and new_status not in S.values:
        errors["new_status"] = [_("Choose a status from the list.")]
    if not text and not new_status:
        errors["text"] = [_("Write an update, or choose a new status.")]
    if errors:
        raise ReportInvalid(errors)
    with transaction.atomic():
        report = _lock(report)
        body = _acting_body(author, report)
        if body is None:
            raise ReportInvalid.one(NON_FIELD, _("You can only update reports sent to your body."))
        from_status = report.status
        to_status = new_status or ""
        if to_status == from_status and to_status != S.REFERRED:
            to_status = ""
        if to_status:
            if not can_transition(from_status, to_status):
                raise ReportInvalid.one(
                    "new_status",
                    _("A report that is “%(from)s” cannot become “%(to)s”.")
                    % {"from": S(from_status).label, "to": S(to_status).label},
                )
            if to_status == S.CLOSED and close_reason not in CloseReason.values:
                raise ReportInvalid.one("close_reason", _("Say why the report is closed."))
            if to_status == S.REFERRED and (
                referred_to is None or not referred_to.active or referred_to.pk == body.pk
            ):
                raise ReportInvalid.one("referred_to", _("Choose the body the report goes to."))
        if to_status != S.CLOSED:
            close_reason = ""
        if to_status != S.REFERRED:
            referred_to = None
        if to_status:
            _apply_status(report, to_status, now)
            if to_status == S.CLOSED:
                report.close_reason = close_reason or ""  # checked above: one of CloseReason
            if to_status == S.REFERRED:
                report.referred_to = referred_to
                report.body = referred_to
        if report.first_response_at is None:
            report.first_response_at = now
        if public:
            report.updated_at = now
        report.save()
        update = ReportUpdate.objects.create(
            report=report,
            kind=UpdateKind.REFERRAL if to_status == S.REFERRED else UpdateKind.BODY,
            author=author,
            body=body,
            text=text,
            public=public,
            from_status=from_status if to_status else "",
            to_status=to_status,
            close_reason=close_reason or "",
            referred_to=referred_to,
            created_at=now,
        )
        if referred_to is not None:
            ReportRecipient.objects.get_or_create(
                report=report,
                body=referred_to,
                defaults={"reason": RecipientReason.REFERRAL, "created_at": now},
            )
            queue_notifications(
                report, [referred_to], NotificationEvent.REFERRED, now=now, update=update
            )
        public_data_changed()
    return update


def _reporter_may(report: Report, *, user=None, code: str | None = None) -> bool:
    if code:
        digest = hash_code(code)
        return digest in (report.follow_up_hash, report.question_code_hash)
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and report.reporter_id == user.pk
    )


def reopen_report(
    report: Report, *, text: str, user=None, code: str | None = None, now: datetime | None = None
) -> ReportUpdate:
    """Reopen a fixed or closed report as its reporter (by follow-up code or account).

    The text says why (required); the update is public; the lead body is notified.
    """
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ReportInvalid.one("text", _("Say in a few words why the problem is not solved."))
    if len(text) > TEXT_MAX:
        raise ReportInvalid.one(
            "text", _("Keep the text under %(limit)d characters.") % {"limit": TEXT_MAX}
        )
    with transaction.atomic():
        report = _lock(report)
        if not _reporter_may(report, user=user, code=code):
            raise ReportInvalid.one(
                NON_FIELD, _("Only the person who made the report can reopen it.")
            )
        if report.status not in REOPENABLE:
            raise ReportInvalid.one(NON_FIELD, _("This report is still open."))
        from_status = report.status
        _apply_status(report, S.OPEN, now)
        report.save()
        update = ReportUpdate.objects.create(
            report=report,
            kind=UpdateKind.REOPENED,
            author=user if getattr(user, "is_authenticated", False) else None,
            text=text,
            public=True,
            from_status=from_status,
            to_status=S.OPEN,
            created_at=now,
        )
        if report.body is not None:
            queue_notifications(
                report, [report.body], NotificationEvent.REOPENED, now=now, update=update
            )
        public_data_changed()
    return update


def answer_fixed_question(
    report: Report,
    *,
    fixed: bool,
    code: str | None = None,
    user=None,
    now: datetime | None = None,
) -> ReportUpdate:
    """Record the reporter's answer to "is it fixed?"; ``fixed=True`` marks the report fixed.

    Accepted from the reporter (follow-up code, the e-mailed question code, or
    account) while the report is not fixed or closed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock(report)
        if not _reporter_may(report, user=user, code=code):
            raise ReportInvalid.one(
                NON_FIELD, _("Only the person who made the report can answer this question.")
            )
        if report.status not in ASKABLE and report.status != S.SUBMITTED:
            raise ReportInvalid.one(NON_FIELD, _("This report is already fixed or closed."))
        from_status = report.status
        report.fixed_answer = FixedAnswer.FIXED if fixed else FixedAnswer.NOT_FIXED
        report.fixed_answered_at = now
        report.fixed_question_due_at = None
        if report.fixed_question_asked_at is None:
            report.fixed_question_asked_at = now
        if fixed:
            _apply_status(report, S.FIXED, now)
        report.save()
        public_data_changed()
        return ReportUpdate.objects.create(
            report=report,
            kind=UpdateKind.FIXED_ANSWER,
            author=user if getattr(user, "is_authenticated", False) else None,
            text="",
            public=True,
            from_status=from_status if fixed else "",
            to_status=S.FIXED if fixed else "",
            created_at=now,
        )

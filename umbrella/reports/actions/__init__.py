"""Every change to reports, each in one transaction. The interface the pages and APIs use.

Submitting
    ``submit_report(*, category, lat, lon, description, reporter_kind, email=None,
    photo=None, user=None, wants_police=False, wants_victim_support=False, language,
    client_key, honeypot="", source=ReportSource.WEB, description_required=True,
    now=None) -> Submitted`` — Open311 passes ``description_required=False``
    (optional in GeoReport v2); the site's form and API ask for a few words.

    ``Submitted(report, follow_up_code, guard_explanation)``: show the code
    once (it is stored only as a digest) as the follow-up link
    ``reports:follow_up``; ``guard_explanation`` is a translated paragraph when
    the anti-targeting guard held the report, else ``None``. ``photo`` is an
    ``UploadedFile`` (or ``None``); ``client_key`` is
    ``ratelimit.client_key_for(request)`` (a daily keyed hash, never the
    address). ``category`` is a ``Category`` instance.

Updating (body staff; check ``queries.can_update`` first)
    ``post_update(report, *, author, text, new_status=None, close_reason=None,
    referred_to=None, public=True, now=None) -> ReportUpdate`` — ``new_status``
    a ``ReportStatus`` value allowed by ``TRANSITIONS``; ``close_reason`` a
    ``CloseReason`` value, required to close; ``referred_to`` a ``Body``,
    required to refer.

The reporter (by follow-up ``code`` or signed-in ``user``)
    ``reopen_report(report, *, text, user=None, code=None, now=None)`` — a
    fixed or closed report (``queries.can_reopen``).
    ``answer_fixed_question(report, *, fixed, code=None, user=None, now=None)``.

Moderation (``queries.moderation_queue_for(user)`` is not ``None``)
    ``release_from_moderation(report, *, by, route_to_police=False, now=None)``,
    ``dismiss_from_moderation(report, *, by, text="", now=None)``,
    ``review_photo(photo, *, by, shows_nobody, now=None)``.

Every action raises ``ReportInvalid`` for what a person can correct:
``errors`` maps form field names (``category``, ``lat`` for the point,
``description``, ``reporter_kind``, ``email``, ``photo``, ``text``,
``new_status``, ``close_reason``, ``referred_to``) or ``"__all__"`` to lists of
translated sentences.
"""

from umbrella.reports.actions.errors import NON_FIELD, RateLimited, ReportInvalid
from umbrella.reports.actions.maintenance import (
    ask_fixed_question,
    coarsen_received_confidential,
    due_questions,
    erase_confidential_areas,
    erase_expired,
)
from umbrella.reports.actions.moderation import (
    dismiss_from_moderation,
    may_moderate,
    release_from_moderation,
    review_photo,
)
from umbrella.reports.actions.notifying import (
    claim_due,
    queue_notifications,
    record_attempt,
    retry_now,
)
from umbrella.reports.actions.ratelimit import client_key_for
from umbrella.reports.actions.submit import Submitted, submit_report
from umbrella.reports.actions.updates import (
    REOPENABLE,
    TRANSITIONS,
    answer_fixed_question,
    can_transition,
    post_update,
    reopen_report,
)

__all__ = [
    "NON_FIELD",
    "REOPENABLE",
    "RateLimited",
    "TRANSITIONS",
    "ReportInvalid",
    "Submitted",
    "answer_fixed_question",
    "ask_fixed_question",
    "can_transition",
    "claim_due",
    "client_key_for",
    "dismiss_from_moderation",
    "coarsen_received_confidential",
    "due_questions",
    "erase_confidential_areas",
    "erase_expired",
    "may_moderate",
    "post_update",
    "queue_notifications",
    "record_attempt",
    "release_from_moderation",
    "reopen_report",
    "retry_now",
    "review_photo",
    "submit_report",
]

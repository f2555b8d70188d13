"""Functions that change alarms, each in one transaction.

Views, API handlers, the worker and other apps call these; nobody else saves
alarms models. Split by concern; import them from here.
"""

from umbrella.alarms.actions.alarms import (
    acknowledge,
    cancel,
    escalate_or_realert,
    mark_seen,
    raise_alarm,
    resolve,
    safe_by_owner,
    told_ids,
)
from umbrella.alarms.actions.buttons import (
    DEDUPE_WINDOW,
    button_for_key,
    create_room_button,
    press_room_button,
    revoke_room_button,
    set_test_mode,
)
from umbrella.alarms.actions.checkins import (
    checkin_done,
    expire_checkin,
    expiry_alarm,
    extend_checkin,
    remind_checkin,
    start_checkin,
)
from umbrella.alarms.actions.circles import (
    TierSpec,
    TooManyInvitations,
    circle_of,
    normalise_name,
    set_circle,
)
from umbrella.alarms.actions.consent import (
    answer_invitation,
    leave_circle,
    manages,
    may_answer,
    set_organisation_policy,
)
from umbrella.alarms.actions.duty import (
    MAX_SHIFTS_PER_MEMBER,
    InvalidShift,
    add_duty_shift,
    remove_duty_shift,
)
from umbrella.alarms.actions.escalation import (
    claim_due_deadline,
    next_due_at,
    process_due_deadline,
    take_step,
)
from umbrella.alarms.actions.idempotency import (
    IDEMPOTENCY_WINDOW,
    purge_idempotency_keys,
    run_once,
    valid_key,
)
from umbrella.alarms.actions.pins import PinCheck, check_pin, clear_duress_pin, set_duress_pin
from umbrella.alarms.actions.retention import (
    close_stale_alarms,
    erase_checkin_notes,
    erase_expired_locations,
)

__all__ = [
    "TooManyInvitations",
    "answer_invitation",
    "leave_circle",
    "manages",
    "may_answer",
    "normalise_name",
    "set_organisation_policy",
    "DEDUPE_WINDOW",
    "IDEMPOTENCY_WINDOW",
    "InvalidShift",
    "MAX_SHIFTS_PER_MEMBER",
    "PinCheck",
    "TierSpec",
    "acknowledge",
    "add_duty_shift",
    "button_for_key",
    "cancel",
    "check_pin",
    "checkin_done",
    "circle_of",
    "close_stale_alarms",
    "claim_due_deadline",
    "clear_duress_pin",
    "create_room_button",
    "erase_checkin_notes",
    "erase_expired_locations",
    "escalate_or_realert",
    "expire_checkin",
    "expiry_alarm",
    "extend_checkin",
    "mark_seen",
    "next_due_at",
    "press_room_button",
    "process_due_deadline",
    "purge_idempotency_keys",
    "raise_alarm",
    "remind_checkin",
    "remove_duty_shift",
    "resolve",
    "revoke_room_button",
    "run_once",
    "safe_by_owner",
    "set_circle",
    "set_duress_pin",
    "start_checkin",
    "set_test_mode",
    "take_step",
    "told_ids",
    "valid_key",
]

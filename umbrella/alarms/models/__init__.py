"""Alarms, who they reach, and the deadlines that move them forward.

Split by concern: ``alarm`` (alarms, who was told, their timeline, deadlines),
``policy`` (a worker's circle: tiers, members, police opt-in, duress PIN),
``consent`` (circle invitations and what organisations accept), ``triggers``
(room buttons and check-in timers) and ``duty`` (reference persons' weekly
on-duty shifts).
"""

from umbrella.alarms.models.alarm import (
    OUTCOME_SAFE_BY_OWNER,
    Alarm,
    AlarmRecipient,
    AlarmStep,
    Deadline,
    DeadlineKind,
    Source,
    Status,
    StepKind,
)
from umbrella.alarms.models.consent import (
    CircleInvitation,
    InvitationStatus,
    OrganisationAlarmPolicy,
)
from umbrella.alarms.models.duty import DUTY_TIME_ZONE, DutyShift, Weekday
from umbrella.alarms.models.idempotency import IdempotencyKey, IdempotencyScope
from umbrella.alarms.models.policy import Circle, DuressPin, Tier, TierKind, TierMember
from umbrella.alarms.models.triggers import CheckIn, CheckInStatus, RoomButton

__all__ = [
    "Alarm",
    "AlarmRecipient",
    "AlarmStep",
    "CheckIn",
    "CheckInStatus",
    "Circle",
    "CircleInvitation",
    "Deadline",
    "DeadlineKind",
    "DUTY_TIME_ZONE",
    "DuressPin",
    "DutyShift",
    "IdempotencyKey",
    "IdempotencyScope",
    "InvitationStatus",
    "OrganisationAlarmPolicy",
    "OUTCOME_SAFE_BY_OWNER",
    "RoomButton",
    "Source",
    "Status",
    "StepKind",
    "Tier",
    "TierKind",
    "TierMember",
    "Weekday",
]

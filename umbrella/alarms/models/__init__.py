"""Alarms, who they reach, and the deadlines that move them forward.

Split by concern: ``alarm`` (alarms, who was told, their timeline, deadlines),
``policy`` (a worker's circle: tiers, members, police opt-in, duress PIN) and
``triggers`` (room buttons and check-in timers).
"""

from umbrella.alarms.models.alarm import (
    Alarm,
    AlarmRecipient,
    AlarmStep,
    Deadline,
    DeadlineKind,
    Source,
    Status,
    StepKind,
)
from umbrella.alarms.models.policy import Circle, DuressPin, Tier, TierKind, TierMember
from umbrella.alarms.models.triggers import CheckIn, CheckInStatus, RoomButton

__all__ = [
    "Alarm",
    "AlarmRecipient",
    "AlarmStep",
    "CheckIn",
    "CheckInStatus",
    "Circle",
    "Deadline",
    "DeadlineKind",
    "DuressPin",
    "RoomButton",
    "Source",
    "Status",
    "StepKind",
    "Tier",
    "TierKind",
    "TierMember",
]

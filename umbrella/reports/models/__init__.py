"""The reports app's tables: bodies and routing, reports, notifications, the guard's words."""

from umbrella.reports.models.bodies import (
    Body,
    BodyKind,
    Category,
    CategoryGroup,
    Channel,
    Contact,
    RoutingCondition,
    RoutingRule,
    RoutingTarget,
)
from umbrella.reports.models.guard import GuardTerm, GuardTermKind
from umbrella.reports.models.notifications import (
    BodyNotification,
    NotificationAttempt,
    NotificationEvent,
    NotificationStatus,
)
from umbrella.reports.models.reports import (
    CloseReason,
    FixedAnswer,
    ModerationStatus,
    RecipientReason,
    Report,
    ReporterKind,
    ReportPhoto,
    ReportRecipient,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    UpdateKind,
)

__all__ = [
    "Body",
    "BodyKind",
    "BodyNotification",
    "Category",
    "CategoryGroup",
    "Channel",
    "CloseReason",
    "Contact",
    "FixedAnswer",
    "GuardTerm",
    "GuardTermKind",
    "ModerationStatus",
    "NotificationAttempt",
    "NotificationEvent",
    "NotificationStatus",
    "RecipientReason",
    "Report",
    "ReportPhoto",
    "ReportRecipient",
    "ReportSource",
    "ReportStatus",
    "ReportUpdate",
    "ReporterKind",
    "RoutingCondition",
    "RoutingRule",
    "RoutingTarget",
    "UpdateKind",
]

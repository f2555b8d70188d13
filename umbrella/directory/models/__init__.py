"""The directory: organisations, services, locations, hours, toilets, reference functions.

Shaped after Open Referral HSDS (organization, service, location,
service_at_location, phone, language, regular_schedule, holiday_schedule).
Split by concern: ``organisations``, ``locations`` (with toilets),
``hours``, ``references`` (trafficking reference per police zone) and
``changes`` (change log, snapshot revision).
"""

from umbrella.directory.models.changes import ChangeLogEntry, DirectoryRevision
from umbrella.directory.models.common import (
    STALE_AFTER,
    Category,
    GenderFocus,
    OperatingStatus,
    TriState,
    is_stale,
    stale_filter,
)
from umbrella.directory.models.hours import HolidaySchedule, RegularSchedule, Weekday
from umbrella.directory.models.locations import (
    Facility,
    FacilityKind,
    Location,
    LocationKind,
    Manager,
    ServiceAtLocation,
)
from umbrella.directory.models.organisations import (
    LanguageCode,
    Organization,
    Phone,
    Service,
    ServiceLanguage,
)
from umbrella.directory.models.references import TraffickingReference

__all__ = [
    "STALE_AFTER",
    "Category",
    "ChangeLogEntry",
    "DirectoryRevision",
    "Facility",
    "FacilityKind",
    "GenderFocus",
    "HolidaySchedule",
    "LanguageCode",
    "Location",
    "LocationKind",
    "Manager",
    "OperatingStatus",
    "Organization",
    "Phone",
    "RegularSchedule",
    "Service",
    "ServiceAtLocation",
    "ServiceLanguage",
    "TraffickingReference",
    "TriState",
    "Weekday",
    "is_stale",
    "stale_filter",
]

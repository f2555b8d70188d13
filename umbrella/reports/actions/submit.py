"""Submitting a report: validate, locate, guard, route, store, queue notifications."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umbrella.areas.locate import locate
from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone
from umbrella.reports import guard, routing
from umbrella.reports.actions import ratelimit
from umbrella.reports.actions.common import (
    FIXED_QUESTION_AFTER_DAYS,
    new_code,
    public_data_changed,
    round_point,
    site_language,
)
from umbrella.reports.actions.errors import NON_FIELD, RateLimited, ReportInvalid
from umbrella.reports.actions.notifying import queue_notifications
from umbrella.reports.models import (
    Category,
    ModerationStatus,
    NotificationEvent,
    Report,
    ReporterKind,
    ReportPhoto,
    ReportRecipient,
    ReportSource,
    ReportStatus,
)
from umbrella.reports.photos import PhotoInvalid, clean_photo

DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 5000


@dataclass(frozen=True)
class Submitted:
    """What ``submit_report`` returns.

    ``follow_up_code`` is shown to the reporter once and never stored in the
    clear; ``guard_explanation`` is the translated sentence to show when the
    guard held the report (else ``None``).
    """

    report: Report
    follow_up_code: str
    guard_explanation: str | None


def _validate(
    category, lat, lon, description, reporter_kind, email, description_required=True
) -> dict[str, list[str]]:
    errors: dict[str, list] = {}
    if not isinstance(category, Category) or not category.active:
        errors["category"] = [_("Choose a category from the list.")]
    try:
        point_ok = (
            lat is not None
            and lon is not None
            and math.isfinite(float(lat))
            and math.isfinite(float(lon))
        )
    except (TypeError, ValueError):
        point_ok = False
    if not point_ok or not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
        errors["lat"] = [_("Put a pin on the map, or use your location, to say where it is.")]
    text = (description or "").strip()
    if len(text) < (DESCRIPTION_MIN if description_required else 0):
        errors["description"] = [_("Describe what is wrong in a few words.")]
    elif len(text) > DESCRIPTION_MAX:
        errors["description"] = [
            _("Keep the description under %(limit)d characters.") % {"limit": DESCRIPTION_MAX}
        ]
    if reporter_kind not in ReporterKind.values:
        errors["reporter_kind"] = [
            _("Say who you are: resident, merchant, sex worker, outreach worker or other.")
        ]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [
                _("This e-mail address does not look right. Check it, or leave it empty.")
            ]
    return errors


def _area_id(model, **lookup) -> int | None:
    return model.objects.filter(**lookup).values_list("pk", flat=True).first()


def submit_report(
    *,
    category: Category,
    lat: float,
    lon: float,
    description: str,
    reporter_kind: str,
    email: str | None = None,
    photo=None,
    user=None,
    wants_police: bool = False,
    wants_victim_support: bool = False,
    language: str,
    client_key: str,
    honeypot: str = "",
    source: str = ReportSource.WEB,
    description_required: bool = True,
    now: datetime | None = None,
) -> Submitted:
    """Store a new report, routed to the bodies that must act; raise ``ReportInvalid``.

    Validates the input and the honeypot; counts the attempt against the
    client's rate limit (before any costly work); checks the photo;
    locates the point (outside the Brussels-Capital Region is refused);
    checks the text with the anti-targeting guard (a held report goes to the
    mediating bodies only and waits for moderation); routes by category and
    areas; stores the precise point encrypted and a public point rounded to
    about 50 m; stores the e-mail encrypted and the follow-up code as a
    digest; queues one notification per contact of every receiving body.
    All in one transaction. ``description_required=False`` (Open311, where
    GeoReport v2 makes it optional) accepts an empty description; the length
    limit still holds.
    """
    now = now or timezone.now()
    if (honeypot or "").strip():
        raise ReportInvalid.one(
            NON_FIELD,
            _(
                "This report could not be accepted. If you are a person, leave the last "
                "field empty."
            ),
        )
    errors = _validate(
        category,
        lat,
        lon,
        description,
        reporter_kind,
        (email or "").strip(),
        description_required=description_required,
    )
    if errors:
        raise ReportInvalid(errors)
    if ratelimit.is_limited(client_key, now):
        raise RateLimited.one(
            NON_FIELD,
            _("You have sent many reports in a short time. Please wait an hour and try again."),
        )
    # Counted before any work (locating the point, decoding the photo): counted
    # after it, a client sending photos that fail was never limited (issue 15).
    ratelimit.count(client_key, now)
    lat, lon = float(lat), float(lon)
    where = locate(lat, lon)
    if not where.inside_region:
        raise ReportInvalid.one(
            "lat",
            _(
                "This place is outside the Brussels-Capital Region. Reports can only be made for "
                "places in the region's 19 municipalities."
            ),
        )
    cleaned = None
    if photo:
        try:
            cleaned = clean_photo(photo)
        except PhotoInvalid as invalid:
            raise ReportInvalid.one("photo", str(invalid)) from invalid

    language = site_language(language)
    text = (description or "").strip()
    checked = guard.check(text, category)
    nis_code = where.municipality.nis_code if where.municipality else None
    zone_code = where.police_zone.code if where.police_zone else None
    offers_police = category.offers_police and bool(wants_police)
    offers_victim = category.offers_victim_support and bool(wants_victim_support)
    if checked.flagged:
        route = routing.mediation_route()
    else:
        route = routing.route(
            category,
            nis_code=nis_code,
            zone_code=zone_code,
            wants_police=offers_police,
            wants_victim_support=offers_victim,
        )
    code, code_hash = new_code()
    public_lat, public_lon = round_point(lat, lon)
    routed = route.lead is not None and not checked.flagged
    with transaction.atomic():
        report = Report.objects.create(
            category=category,
            status=ReportStatus.OPEN if routed else ReportStatus.SUBMITTED,
            reporter_kind=reporter_kind,
            language=language,
            description=text,
            precise_lat=lat,
            precise_lon=lon,
            public_lat=public_lat,
            public_lon=public_lon,
            # Ids only: the area rows carry their boundaries, large texts not needed here.
            municipality_id=_area_id(Municipality, nis_code=nis_code) if nis_code else None,
            police_zone_id=_area_id(PoliceZone, code=zone_code) if zone_code else None,
            neighbourhood_id=(
                _area_id(Neighbourhood, code=where.neighbourhood.code)
                if where.neighbourhood
                else None
            ),
            body=route.lead,
            reporter=user if getattr(user, "is_authenticated", False) else None,
            email=(email or "").strip(),
            follow_up_hash=code_hash,
            wants_police=offers_police,
            wants_victim_support=offers_victim,
            confidential=category.confidential,
            is_public=not category.confidential and not checked.flagged,
            guard_flagged=checked.flagged,
            guard_terms=checked.matches,
            moderation_status=(
                ModerationStatus.PENDING if checked.flagged else ModerationStatus.NOT_NEEDED
            ),
            source=source,
            created_at=now,
            status_changed_at=now,
            updated_at=now,
            fixed_question_due_at=now + timedelta(days=FIXED_QUESTION_AFTER_DAYS),
        )
        ReportRecipient.objects.bulk_create(
            ReportRecipient(report=report, body=body, reason=reason, created_at=now)
            for body, reason in route.recipients
        )
        if cleaned is not None:
            ReportPhoto.objects.create(
                report=report, data=cleaned.data, width=cleaned.width, height=cleaned.height
            )
        queue_notifications(report, route.bodies(), NotificationEvent.NEW_REPORT, now=now)
        public_data_changed()
    return Submitted(
        report=report,
        follow_up_code=code,
        guard_explanation=guard.explanation(language) if checked.flagged else None,
    )

"""Which bodies a person acts for on a report (shared by the queries and the actions)."""

from __future__ import annotations

from umbrella.accounts.models import Membership, Role
from umbrella.reports.models import Body, BodyKind, Report


def _recipient_bodies(report: Report) -> list[Body]:
    return list(Body.objects.filter(pk__in=report.deliveries_to.values("body_id")))


def _reference_organisation_ids(zone_code: str) -> set[int]:
    from umbrella.directory.queries import reference_for_zone

    reference = reference_for_zone(zone_code)
    if reference is None or reference.accounts_organisation_id is None:
        return set()
    return {reference.accounts_organisation_id}


def _authorised_body(user, report: Report, body: Body, organisation_ids: set[int]) -> bool:
    """Answer whether ``user`` acts for ``body`` on this report."""
    if not report.confidential:
        return body.organisation_id in organisation_ids
    if body.kind == BodyKind.POLICE_ZONE:
        # Confidential signals reach the zone's trafficking reference function only.
        if user.role != Role.POLICE_REFERENCE:
            return False
        allowed = {body.organisation_id} if body.organisation_id else set()
        if body.police_zone is not None:
            allowed |= _reference_organisation_ids(body.police_zone.code)
        return bool(allowed & organisation_ids)
    return body.organisation_id in organisation_ids


def _organisation_ids(user) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def acting_bodies(user, report: Report) -> list[Body]:
    """Return the bodies that received ``report`` for which ``user`` may act."""
    if not getattr(user, "is_authenticated", False):
        return []
    organisation_ids = _organisation_ids(user)
    if not organisation_ids:
        return []
    return [
        body
        for body in _recipient_bodies(report)
        if _authorised_body(user, report, body, organisation_ids)
    ]

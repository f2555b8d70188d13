"""Routing: which bodies receive a report, from its category and the areas of its point.

A category's active rules each name a target: the municipality of the place,
its police zone, or a named body. Rules limited to one municipality replace,
in that municipality, the general rules with the same condition. Conditional
rules apply only when the category offers the choice and the reporter made
it (the police only if asked; a victim-support centre only if chosen). The
first body of an unconditional rule leads (it is Open311's
``agency_responsible``); every body found receives the report.

A report held by the anti-targeting guard goes to the mediating bodies only,
never to the police; ``route(..., exclude_police=True)`` is what its release
uses unless the moderator decides otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from umbrella.reports.models import (
    Body,
    BodyKind,
    Category,
    RecipientReason,
    RoutingCondition,
    RoutingRule,
    RoutingTarget,
)

_REASONS: dict[str, RecipientReason] = {
    RoutingCondition.ALWAYS: RecipientReason.ROUTED,
    RoutingCondition.REPORTER_ASKS_POLICE: RecipientReason.ASKED_POLICE,
    RoutingCondition.REPORTER_ASKS_VICTIM_SUPPORT: RecipientReason.ASKED_VICTIM_SUPPORT,
}


@dataclass
class Route:
    """The bodies a report goes to: ``lead`` first, each with the reason."""

    lead: Body | None = None
    recipients: list[tuple[Body, str]] = field(default_factory=list)

    def add(self, body: Body, reason: str) -> None:
        if any(existing.pk == body.pk for existing, _ in self.recipients):
            return
        self.recipients.append((body, reason))
        if self.lead is None and reason in (RecipientReason.ROUTED, RecipientReason.MODERATION):
            self.lead = body

    def bodies(self) -> list[Body]:
        return [body for body, _ in self.recipients]


def _applies(rule: RoutingRule, category: Category, wants_police: bool, wants_victim: bool) -> bool:
    if rule.condition == RoutingCondition.ALWAYS:
        return True
    if rule.condition == RoutingCondition.REPORTER_ASKS_POLICE:
        return category.offers_police and wants_police
    if rule.condition == RoutingCondition.REPORTER_ASKS_VICTIM_SUPPORT:
        return category.offers_victim_support and wants_victim
    return False


def _target_body(rule: RoutingRule, nis_code: str | None, zone_code: str | None) -> Body | None:
    if rule.target == RoutingTarget.BODY:
        return rule.body if rule.body is not None and rule.body.active else None
    if rule.target == RoutingTarget.MUNICIPALITY and nis_code:
        return Body.objects.filter(
            kind=BodyKind.MUNICIPALITY, municipality__nis_code=nis_code, active=True
        ).first()
    if rule.target == RoutingTarget.POLICE_ZONE and zone_code:
        return Body.objects.filter(
            kind=BodyKind.POLICE_ZONE, police_zone__code=zone_code, active=True
        ).first()
    return None


def route(
    category: Category,
    *,
    nis_code: str | None,
    zone_code: str | None,
    wants_police: bool = False,
    wants_victim_support: bool = False,
    exclude_police: bool = False,
) -> Route:
    """Return the bodies that receive a report of ``category`` at a place with these areas."""
    rules = list(
        RoutingRule.objects.filter(category=category, active=True)
        .select_related("body", "only_in")
        .order_by("id")
    )
    local_conditions = {
        rule.condition
        for rule in rules
        if rule.only_in is not None and rule.only_in.nis_code == nis_code
    }
    result = Route()
    # Unconditional rules first, so the lead body comes from one of them.
    ordered = sorted(rules, key=lambda rule: (rule.condition != RoutingCondition.ALWAYS, rule.id))
    for rule in ordered:
        if rule.only_in is not None:
            if rule.only_in.nis_code != nis_code:
                continue
        elif rule.condition in local_conditions:
            continue
        if not _applies(rule, category, wants_police, wants_victim_support):
            continue
        body = _target_body(rule, nis_code, zone_code)
        if body is None:
            continue
        if exclude_police and body.kind == BodyKind.POLICE_ZONE:
            continue
        result.add(body, _REASONS[rule.condition])
    if result.lead is None and result.recipients:
        result.lead = result.recipients[0][0]
    return result


def mediation_route() -> Route:
    """Return the route of a report held by the guard: the mediating bodies, never the police."""
    result = Route()
    for body in (
        Body.objects.filter(mediates=True, active=True)
        .exclude(kind=BodyKind.POLICE_ZONE)
        .order_by("id")
    ):
        result.add(body, RecipientReason.MODERATION)
    return result

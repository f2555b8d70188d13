"""Read-only questions about the recommendations tracker and its live indicators.

Everything here is public except comments (members of the platform only).
A person's own following: ``following/queries.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from umbrella.accounts.models import Role
from umbrella.consultation.tracker.models import (
    Milestone,
    Recommendation,
    RecommendationChange,
    RecommendationComment,
    RecommendationIndicator,
    Responsibility,
)
from umbrella.core import indicators as registry

logger = logging.getLogger(__name__)


# --- who may do what ------------------------------------------------------------------


def _person(user):
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user


def may_edit(user) -> bool:
    """Answer whether ``user`` updates recommendations: the platform secretary or an admin."""
    from umbrella.consultation.members.queries import is_secretary

    person = _person(user)
    if person is None:
        return False
    return is_secretary(person) or person.is_superuser or person.role == Role.ADMIN


def may_comment(user) -> bool:
    """Answer whether ``user`` may read and write comments: members of the platform."""
    from umbrella.consultation.members.queries import is_member

    person = _person(user)
    return person is not None and (is_member(person) or may_edit(person))


# --- recommendations --------------------------------------------------------------------


def recommendations() -> QuerySet[Recommendation]:
    """Return the recommendations with what lists show: actors, milestones, indicators."""
    return Recommendation.objects.select_related("parent").prefetch_related(
        Prefetch("responsibilities", queryset=Responsibility.objects.order_by("-lead", "pk")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
        Prefetch(
            "indicator_links", queryset=RecommendationIndicator.objects.order_by("position", "pk")
        ),
    )


@dataclass
class Node:
    recommendation: Recommendation
    depth: int
    children: list[Node]


def tree() -> list[Node]:
    """Return the recommendations as a tree (top level first, then their parts, in order)."""
    rows = list(recommendations().order_by("position", "pk"))
    by_parent: dict[int | None, list[Recommendation]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)

    def build(parent_id, depth, seen):
        nodes = []
        for row in by_parent.get(parent_id, []):
            if row.pk in seen:
                continue
            nodes.append(Node(row, depth, build(row.pk, depth + 1, seen | {row.pk})))
        return nodes

    return build(None, 0, frozenset())


def flatten(nodes: list[Node]) -> list[Node]:
    out = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def find_recommendation(slug_or_id: str) -> Recommendation | None:
    """Return the recommendation with this slug, or this id."""
    query = Q(slug=slug_or_id)
    if slug_or_id.isdigit():
        query |= Q(pk=int(slug_or_id))
    return recommendations().filter(query).first()


def history(recommendation: Recommendation) -> QuerySet[RecommendationChange]:
    """Return the recommendation's changes, newest first, with who and which decision."""
    return (
        RecommendationChange.objects.filter(recommendation=recommendation)
        .select_related("changed_by", "decision__meeting", "milestone", "caused_by__recommendation")
        .order_by("-changed_at", "-pk")
    )


def public_decision_ids() -> set[int]:
    """Return the ids of decisions the public may see (those of public meetings)."""
    from umbrella.consultation.meetings.queries import public_decisions

    return set(public_decisions().values_list("pk", flat=True))


def moved_by(recommendation: Recommendation, user=None) -> list:
    """Return the decisions (and meetings) that moved ``recommendation`` that ``user`` may see."""
    from umbrella.consultation.meetings.queries import visible_decisions

    decision_ids = (
        RecommendationChange.objects.filter(recommendation=recommendation, decision__isnull=False)
        .values_list("decision_id", flat=True)
        .distinct()
    )
    return list(
        visible_decisions(user)
        .filter(pk__in=decision_ids)
        .select_related("meeting")
        .order_by("decided_at", "pk")
    )


def comments(recommendation: Recommendation) -> QuerySet[RecommendationComment]:
    return RecommendationComment.objects.filter(recommendation=recommendation).select_related(
        "author", "change"
    )


# --- indicators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveFigure:
    """An indicator's figure as pages and the API show it."""

    key: str
    label: str
    available: bool
    figure: registry.Figure | None

    @property
    def value(self):
        return None if self.figure is None else self.figure.value

    @property
    def percent_of_denominator(self) -> int | None:
        f = self.figure
        if f is None or f.value is None or not f.denominator:
            return None
        return round(100 * f.value / f.denominator)

    def as_dict(self) -> dict:
        f = self.figure
        return {
            "key": self.key,
            "label": str(self.label),
            "available": self.available,
            "value": None if f is None else f.value,
            "unit": None if f is None else str(f.unit),
            "denominator": None if f is None else f.denominator,
            "as_of": None if f is None or f.as_of is None else f.as_of.isoformat(),
            "note": "" if f is None else str(f.note),
        }


class FigureCache:
    """Compute each indicator at most once per request."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._figures: dict[str, LiveFigure] = {}

    def get(self, key: str) -> LiveFigure:
        if key not in self._figures:
            self._figures[key] = compute(key, self.now)
        return self._figures[key]

    def for_recommendation(self, recommendation: Recommendation) -> list[LiveFigure]:
        return [self.get(link.key) for link in recommendation.indicator_links.all()]


def compute(key: str, now: datetime) -> LiveFigure:
    """Compute one registered indicator; an unknown key or a failing one is "not available"."""
    found = registry.get(key)
    if found is None:
        return LiveFigure(key=key, label=key, available=False, figure=None)
    try:
        figure = found.compute(now)
    except Exception:
        # One app's broken figure must not take the tracker's pages down.
        logger.exception("indicator %s failed", key)
        return LiveFigure(key=key, label=found.label, available=False, figure=None)
    return LiveFigure(key=key, label=found.label, available=True, figure=figure)

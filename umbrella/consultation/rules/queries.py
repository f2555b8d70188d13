"""Read-only questions about the municipal rules monitor (all public)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from umbrella.consultation.rules.models import MunicipalityRecord, MunicipalRule, RuleKind


def municipalities_with_rules() -> list[MunicipalityRecord]:
    """Return the 19 municipalities, each with its rules (kind, date order)."""
    return list(
        MunicipalityRecord.objects.prefetch_related(
            Prefetch("rules", queryset=MunicipalRule.objects.order_by("kind", "date", "pk"))
        ).order_by("nis_code")
    )


@dataclass
class ComparisonRow:
    municipality: MunicipalityRecord
    cells: list[tuple[str, list[MunicipalRule]]]

    @property
    def regulated_kinds(self) -> list[str]:
        return [kind for kind, rules in self.cells if rules]


def comparison() -> list[ComparisonRow]:
    """Return one row per municipality with its rules per kind (police, urbanism, tax, other)."""
    rows = []
    for record in municipalities_with_rules():
        rules = list(record.rules.all())
        rows.append(
            ComparisonRow(
                record, [(kind, [r for r in rules if r.kind == kind]) for kind in RuleKind.values]
            )
        )
    return rows


def rules() -> QuerySet[MunicipalRule]:
    return MunicipalRule.objects.select_related("municipality").order_by(
        "municipality__nis_code", "kind", "date", "pk"
    )

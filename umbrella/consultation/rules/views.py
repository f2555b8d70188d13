"""Pages of the municipal rules monitor: the comparison table and map, the CSV download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from umbrella.consultation.rules import exports, queries
from umbrella.consultation.rules.models import RuleKind, RuleStatus
from umbrella.consultation.tracker.views import page_language


def rules_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports.rules_csv(page_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="umbrella-municipal-rules.csv"'
    return response


def rules_comparison(request: HttpRequest) -> HttpResponse:
    rows = queries.comparison()
    map_data = {
        row.municipality.nis_code: {
            "kinds": row.regulated_kinds,
            "in_force": any(
                r.status == RuleStatus.IN_FORCE for _kind, rules in row.cells for r in rules
            ),
            "none_known": row.municipality.no_rule_known,
            "letters": " ".join(KIND_LETTERS[kind] for kind in row.regulated_kinds) or "—",
        }
        for row in rows
    }
    return render(
        request,
        "consultation/rules_comparison.html",
        {
            "rows": rows,
            "kinds": RuleKind.choices,
            "map_data": map_data,
            "kind_legend": [(KIND_LETTERS[value], label) for value, label in RuleKind.choices],
        },
    )


# The letter that stands for each kind on the map and in its legend (not colour alone).
KIND_LETTERS: dict[str, str] = {
    RuleKind.POLICE_REGULATION: "P",
    RuleKind.URBANISM: "U",
    RuleKind.TAX: "T",
    RuleKind.OTHER: "O",
}

"""The tracker and rules as data: the API's dictionaries and the open-data CSV files.

The API (``api_tracker.py``) and the CSV downloads use the same functions, so
they cannot disagree. Licence: the platform's own content, CC BY 4.0.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from umbrella.consultation import queries_tracker
from umbrella.consultation.models import (
    MunicipalRule,
    Recommendation,
    TrackerStatus,
)
from umbrella.directory.models.translation import CONTENT_LANGUAGES

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
ATTRIBUTION = "Umbrella Brussels, recommendations tracker and municipal rules monitor"


def _all_languages(instance, field: str) -> dict[str, str]:
    return {code: getattr(instance, f"{field}_{code}") or "" for code in CONTENT_LANGUAGES}


def recommendation_as_dict(rec: Recommendation, figures: queries_tracker.FigureCache) -> dict:
    """Return one recommendation as ``GET /api/v1/recommendations`` gives it."""
    return {
        "id": rec.pk,
        "slug": rec.slug,
        "number": rec.number,
        "parent_id": rec.parent_id,
        "weight": rec.weight,
        "title": _all_languages(rec, "title"),
        "summary": _all_languages(rec, "summary"),
        "status": rec.status,
        "progress": rec.progress,
        "counts_in_parent": rec.status != TrackerStatus.ABANDONED,
        "as_reported": rec.as_reported,
        "official_text_url": rec.official_text_url or None,
        "highlighted": rec.highlighted,
        "responsible": [
            {"actor": r.actor, "name": str(r.get_actor_display()), "lead": r.lead}
            for r in rec.responsibilities.all()
        ],
        "milestones": [
            {
                "id": m.pk,
                "date": m.due_on.isoformat(),
                "title": _all_languages(m, "title"),
                "evidence_url": m.evidence_url or None,
                "done": m.done,
            }
            for m in rec.milestones.all()
        ],
        "indicators": [f.as_dict() for f in figures.for_recommendation(rec)],
        "updated_at": rec.updated_at.isoformat(),
    }


def recommendations_data(now: datetime | None = None) -> list[dict]:
    figures = queries_tracker.FigureCache(now)
    return [
        recommendation_as_dict(node.recommendation, figures)
        for node in queries_tracker.flatten(queries_tracker.tree())
    ]


def rule_as_dict(rule: MunicipalRule) -> dict:
    m = rule.municipality
    return {
        "id": rule.pk,
        "slug": rule.slug,
        "municipality": {"nis_code": m.nis_code, "name_nl": m.name_nl, "name_fr": m.name_fr},
        "kind": rule.kind,
        "title": _all_languages(rule, "title"),
        "summary": _all_languages(rule, "summary"),
        "date": rule.date_display() or None,
        "date_precision": rule.date_precision if rule.date else None,
        "status": rule.status,
        "source": {"label": rule.source_label, "url": rule.source_url or None},
        "to_verify": rule.to_verify,
    }


def municipality_as_dict(record) -> dict:
    return {
        "nis_code": record.nis_code,
        "name_nl": record.name_nl,
        "name_fr": record.name_fr,
        "police_zone": record.police_zone_code or None,
        "no_rule_known": record.no_rule_known,
        "to_verify": record.to_verify,
        "note": _all_languages(record, "note"),
        "rules": [rule_as_dict(rule) for rule in record.rules.all()],
    }


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _write(columns, rows) -> str:
    out = io.StringIO()
    out.write(f"# License: {LICENCE}\n# Attribution: {ATTRIBUTION}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


RECOMMENDATION_COLUMNS = (
    "id",
    "number",
    "slug",
    "parent_id",
    "weight",
    "title_nl",
    "title_fr",
    "title_en",
    "status",
    "progress",
    "counts_in_parent",
    "responsible",
    "milestones_done",
    "milestones_total",
    "indicators",
    "as_reported",
    "official_text_url",
    "updated_at",
)


def recommendations_csv(language: str, now: datetime | None = None) -> str:
    """Return the recommendations as CSV (two ``#`` lines: licence, attribution; then a header)."""
    rows = []
    for item in recommendations_data(now):
        indicators = "; ".join(
            f"{i['key']}={'' if i['value'] is None else i['value']}"
            + (f"/{i['denominator']}" if i["denominator"] else "")
            for i in item["indicators"]
        )
        rows.append(
            {
                **item,
                **{f"title_{code}": text for code, text in item["title"].items()},
                "responsible": "; ".join(r["actor"] for r in item["responsible"]),
                "milestones_done": sum(1 for m in item["milestones"] if m["done"]),
                "milestones_total": len(item["milestones"]),
                "indicators": indicators,
            }
        )
    return _write(RECOMMENDATION_COLUMNS, rows)


RULE_COLUMNS = (
    "nis_code",
    "municipality_nl",
    "municipality_fr",
    "police_zone",
    "no_rule_known",
    "kind",
    "title",
    "status",
    "date",
    "summary_nl",
    "summary_fr",
    "summary_en",
    "source",
    "source_url",
    "to_verify",
)


def rules_csv(language: str) -> str:
    """Return one row per rule, and one row for each municipality without a known rule."""
    rows = []
    for record in queries_tracker.municipalities_with_rules():
        base = {
            "nis_code": record.nis_code,
            "municipality_nl": record.name_nl,
            "municipality_fr": record.name_fr,
            "police_zone": record.police_zone_code,
            "no_rule_known": record.no_rule_known,
        }
        rules = list(record.rules.all())
        if not rules:
            rows.append({**base, "to_verify": record.to_verify})
        for rule in rules:
            rows.append(
                {
                    **base,
                    "kind": rule.kind,
                    "title": rule.translated("title", language),
                    "status": rule.status,
                    "date": rule.date_display(),
                    "summary_nl": rule.summary_nl,
                    "summary_fr": rule.summary_fr,
                    "summary_en": rule.summary_en,
                    "source": rule.source_label,
                    "source_url": rule.source_url,
                    "to_verify": rule.to_verify,
                }
            )
    return _write(RULE_COLUMNS, rows)

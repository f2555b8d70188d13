"""The tracker as data: the API's dictionaries and the open-data CSV file.

The API (``tracker/api.py``) and the CSV download use the same functions, so
they cannot disagree. Licence: the platform's own content, CC BY 4.0
(``opendata.py``).
"""

from __future__ import annotations

from datetime import datetime

from umbrella.consultation.opendata import all_languages, write_csv
from umbrella.consultation.tracker import queries
from umbrella.consultation.tracker.models import Recommendation, TrackerStatus


def recommendation_as_dict(rec: Recommendation, figures: queries.FigureCache) -> dict:
    """Return one recommendation as ``GET /api/v1/recommendations`` gives it."""
    return {
        "id": rec.pk,
        "slug": rec.slug,
        "number": rec.number,
        "parent_id": rec.parent_id,
        "weight": rec.weight,
        "title": all_languages(rec, "title"),
        "summary": all_languages(rec, "summary"),
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
                "title": all_languages(m, "title"),
                "evidence_url": m.evidence_url or None,
                "done": m.done,
            }
            for m in rec.milestones.all()
        ],
        "indicators": [f.as_dict() for f in figures.for_recommendation(rec)],
        "updated_at": rec.updated_at.isoformat(),
    }


def recommendations_data(now: datetime | None = None) -> list[dict]:
    figures = queries.FigureCache(now)
    return [
        recommendation_as_dict(node.recommendation, figures)
        for node in queries.flatten(queries.tree())
    ]


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
    return write_csv(RECOMMENDATION_COLUMNS, rows)

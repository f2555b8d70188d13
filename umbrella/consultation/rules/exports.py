"""The rules monitor as data: the API's dictionaries and the open-data CSV file.

The API (``rules/api.py``) and the CSV download use the same functions, so
they cannot disagree. Licence: the platform's own content, CC BY 4.0
(``opendata.py``).
"""

from __future__ import annotations

from umbrella.consultation.opendata import all_languages, write_csv
from umbrella.consultation.rules import queries
from umbrella.consultation.rules.models import MunicipalRule


def rule_as_dict(rule: MunicipalRule) -> dict:
    m = rule.municipality
    return {
        "id": rule.pk,
        "slug": rule.slug,
        "municipality": {"nis_code": m.nis_code, "name_nl": m.name_nl, "name_fr": m.name_fr},
        "kind": rule.kind,
        "title": all_languages(rule, "title"),
        "summary": all_languages(rule, "summary"),
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
        "note": all_languages(record, "note"),
        "rules": [rule_as_dict(rule) for rule in record.rules.all()],
    }


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
    for record in queries.municipalities_with_rules():
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
    return write_csv(RULE_COLUMNS, rows)

"""The seeds: the reported recommendations (the five measures among them), the 19
municipalities' rules without invented facts, and a command that can run twice."""

import pytest
from django.core.management import call_command

from umbrella.consultation import seeds
from umbrella.consultation.models import (
    ChangeKind,
    MunicipalityRecord,
    MunicipalRule,
    Recommendation,
    RuleStatus,
    TrackerStatus,
)

pytestmark = pytest.mark.django_db


def test_load_consultation_creates_everything_once(capsys):
    call_command("load_consultation")
    first = (
        Recommendation.objects.count(),
        MunicipalityRecord.objects.count(),
        MunicipalRule.objects.count(),
    )
    assert first == (11, 19, 5)
    call_command("load_consultation")
    again = (
        Recommendation.objects.count(),
        MunicipalityRecord.objects.count(),
        MunicipalRule.objects.count(),
    )
    assert again == first
    assert "Created 0 recommendations" in capsys.readouterr().out


def test_every_recommendation_is_marked_as_reported_and_translated():
    seeds.load()
    for rec in Recommendation.objects.all():
        assert rec.as_reported
        assert rec.official_text_url == ""
        assert all(rec.translations("title").values()), rec.slug
        assert all(rec.translations("summary").values()), rec.slug
        assert rec.responsibilities.exists(), rec.slug


def test_the_five_highlighted_measures_are_there_with_their_indicators():
    seeds.load()
    highlighted = {
        r.slug: [i.key for i in r.indicator_links.all()]
        for r in Recommendation.objects.filter(highlighted=True)
    }
    assert highlighted == {
        "consultation-platform": [],
        "public-toilets": ["directory.toilets_in_visible_sex_work_neighbourhoods"],
        "training-first-line-staff": ["training.ocmw_cpas_staff_trained"],
        "trafficking-reference-person": ["directory.zones_with_trafficking_reference"],
        "alarm-button-study": [
            "alarms.acknowledged_within_60s",
            "observatory.acknowledged_within_60s",
            "observatory.acknowledgement_median",
        ],
    }


def test_the_action_plan_rolls_up_from_its_three_parts_with_a_trace():
    seeds.load()
    plan = Recommendation.objects.get(slug="action-plan")
    parts = list(plan.children.all())
    assert len(parts) == 3
    assert all(p.status == TrackerStatus.IN_PREPARATION and p.progress == 10 for p in parts)
    assert plan.progress == 10
    assert all("safe.brussels" in p.changes.get().note for p in parts)
    assert plan.status == TrackerStatus.IN_PREPARATION
    # The parts moved first, one by one: the plan's 10 % is their roll-up, then its status.
    assert list(plan.changes.order_by("pk").values_list("kind", "new_status", "new_progress")) == [
        (ChangeKind.ROLLUP, TrackerStatus.NOT_STARTED, 3),
        (ChangeKind.ROLLUP, TrackerStatus.NOT_STARTED, 7),
        (ChangeKind.ROLLUP, TrackerStatus.NOT_STARTED, 10),
        (ChangeKind.UPDATE, TrackerStatus.IN_PREPARATION, 10),
    ]


def test_an_edited_recommendation_is_not_overwritten():
    seeds.load()
    Recommendation.objects.filter(slug="public-toilets").update(title_en="Edited")
    seeds.load()
    assert Recommendation.objects.get(slug="public-toilets").title_en == "Edited"


def test_municipalities_without_a_known_rule_say_so_and_are_flagged():
    seeds.load()
    with_rules = set(MunicipalRule.objects.values_list("municipality__nis_code", flat=True))
    assert with_rules == {"21004", "21014", "21015"}
    others = MunicipalityRecord.objects.exclude(nis_code__in=with_rules)
    assert others.count() == 16
    assert all(m.no_rule_known and m.to_verify and not m.rules.exists() for m in others)
    assert "To verify" in others.first().note_en


def test_no_rule_has_an_invented_link_date_or_status():
    seeds.load()
    for rule in MunicipalRule.objects.all():
        assert rule.to_verify
        assert rule.source_url == ""
        assert "docs/domain.md" in rule.source_label
    schaerbeek = MunicipalRule.objects.get(slug="schaerbeek-window-bars-2011")
    assert schaerbeek.date_display() == "2011"
    carrees = MunicipalRule.objects.get(slug="saint-josse-carrees")
    assert carrees.status == RuleStatus.UNCONFIRMED and carrees.date is None
    assert MunicipalRule.objects.get(slug="brussels-earlier-fines").status == RuleStatus.ANNULLED

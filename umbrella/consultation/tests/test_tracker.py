"""update_recommendation: statuses and their default progress, validation, weighted roll-up
through several levels, and the trace every change leaves (who, what, when)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from umbrella.consultation.models import (
    DEFAULT_PROGRESS,
    Actor,
    ChangeKind,
    Recommendation,
    RecommendationChange,
    Responsibility,
    TrackerStatus,
)
from umbrella.consultation.tests import factories as make
from umbrella.consultation.tracker.actions import (
    recompute_tree,
    save_milestone,
    update_recommendation,
    weighted_progress,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 12, 10, 30, tzinfo=BRUSSELS)


@pytest.fixture
def secretary(db):
    return make.secretary()


@pytest.mark.parametrize(
    ("status", "progress"),
    [
        (TrackerStatus.NOT_STARTED, 0),
        (TrackerStatus.IN_PREPARATION, 10),
        (TrackerStatus.IN_PROGRESS, 50),
        (TrackerStatus.IMPLEMENTED, 100),
    ],
)
def test_a_status_given_alone_sets_its_default_progress(secretary, status, progress):
    rec = make.recommendation(status=TrackerStatus.IN_PREPARATION, progress=30)
    if status == TrackerStatus.IN_PREPARATION:
        rec = make.recommendation(status=TrackerStatus.NOT_STARTED, progress=0)
    update_recommendation(rec, by=secretary, status=status, now=NOW)
    rec.refresh_from_db()
    assert (rec.status, rec.progress) == (status, progress)
    assert DEFAULT_PROGRESS[status] == progress


def test_abandoned_keeps_the_figure_reached(secretary):
    rec = make.recommendation(status=TrackerStatus.IN_PROGRESS, progress=35)
    update_recommendation(rec, by=secretary, status=TrackerStatus.ABANDONED, now=NOW)
    rec.refresh_from_db()
    assert (rec.status, rec.progress) == (TrackerStatus.ABANDONED, 35)


def test_an_explicit_progress_wins_over_the_default(secretary):
    rec = make.recommendation()
    update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PROGRESS, progress=65, now=NOW)
    rec.refresh_from_db()
    assert (rec.status, rec.progress) == (TrackerStatus.IN_PROGRESS, 65)


@pytest.mark.parametrize("bad", [-1, 101, 1000, "50", 12.5, True])
def test_progress_outside_0_to_100_or_not_whole_is_refused(secretary, bad):
    rec = make.recommendation(progress=20, status=TrackerStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as caught:
        update_recommendation(rec, by=secretary, progress=bad, now=NOW)
    assert "progress" in caught.value.message_dict
    assert "0 to 100" in caught.value.message_dict["progress"][0]
    rec.refresh_from_db()
    assert rec.progress == 20
    assert not RecommendationChange.objects.exists()


def test_an_unknown_status_is_refused(secretary):
    rec = make.recommendation()
    with pytest.raises(ValidationError) as caught:
        update_recommendation(rec, by=secretary, status="finished", now=NOW)
    assert "status" in caught.value.message_dict


def test_implemented_below_100_is_refused(secretary):
    rec = make.recommendation()
    with pytest.raises(ValidationError) as caught:
        update_recommendation(rec, by=secretary, status=TrackerStatus.IMPLEMENTED, progress=80)
    assert "progress" in caught.value.message_dict


def test_nothing_to_change_is_refused(secretary):
    rec = make.recommendation()
    with pytest.raises(ValidationError):
        update_recommendation(rec, by=secretary, now=NOW)


def test_the_database_refuses_progress_above_100_even_around_the_action():
    rec = make.recommendation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.filter(pk=rec.pk).update(progress=101)


def test_every_change_is_a_row_with_who_what_when_and_old_and_new_values(secretary):
    rec = make.recommendation()
    change = update_recommendation(
        rec, by=secretary, status=TrackerStatus.IN_PROGRESS, note="Budget approved", now=NOW
    )
    assert change.kind == ChangeKind.UPDATE
    assert change.changed_by == secretary
    assert change.changed_at == NOW
    assert (change.old_status, change.new_status) == (
        TrackerStatus.NOT_STARTED,
        TrackerStatus.IN_PROGRESS,
    )
    assert (change.old_progress, change.new_progress) == (0, 50)
    assert change.note == "Budget approved"
    update_recommendation(rec, by=secretary, progress=70, now=NOW)
    assert list(rec.changes.values_list("new_progress", flat=True)) == [70, 50]


def test_weighted_progress_leaves_abandoned_parts_out_and_rounds_half_up():
    class Part:
        def __init__(self, weight, progress, status=TrackerStatus.IN_PROGRESS):
            self.weight, self.progress, self.status = weight, progress, status

    assert weighted_progress([Part(1, 0), Part(1, 100)]) == 50
    assert weighted_progress([Part(3, 100), Part(1, 0)]) == 75
    assert weighted_progress([Part(1, 0), Part(2, 1)]) == 1  # 0.667 → 1
    assert weighted_progress([Part(1, 1), Part(1, 0)]) == 1  # 0.5 → 1 (half up)
    assert weighted_progress([Part(1, 90, TrackerStatus.ABANDONED), Part(1, 20)]) == 20
    assert weighted_progress([Part(1, 90, TrackerStatus.ABANDONED)]) is None
    assert weighted_progress([]) is None


def test_a_change_rolls_up_through_three_levels_with_weights(secretary):
    plan = make.recommendation("Action plan")
    health = make.recommendation("Health", parent=plan, weight=2)
    safety = make.recommendation("Safety", parent=plan, weight=1)
    testing = make.recommendation("Testing", parent=health, weight=1)
    outreach = make.recommendation("Outreach", parent=health, weight=3)

    update_recommendation(outreach, by=secretary, status=TrackerStatus.IMPLEMENTED, now=NOW)
    # health = (1*0 + 3*100) / 4 = 75; plan = (2*75 + 1*0) / 3 = 50
    health.refresh_from_db()
    plan.refresh_from_db()
    assert health.progress == 75
    assert plan.progress == 50

    update_recommendation(
        safety, by=secretary, progress=30, status=TrackerStatus.IN_PROGRESS, now=NOW
    )
    plan.refresh_from_db()
    assert plan.progress == 60  # (2*75 + 30) / 3

    update_recommendation(
        testing, by=secretary, progress=60, status=TrackerStatus.IN_PROGRESS, now=NOW
    )
    health.refresh_from_db()
    plan.refresh_from_db()
    assert health.progress == 90  # (60 + 300) / 4
    assert plan.progress == 70  # (180 + 30) / 3

    # Each roll-up is a row of its own, tied to the change that caused it.
    rollups = RecommendationChange.objects.filter(kind=ChangeKind.ROLLUP, recommendation=plan)
    assert [r.new_progress for r in rollups.order_by("pk")] == [50, 60, 70]
    last = rollups.order_by("pk").last()
    assert last.caused_by.recommendation == health
    assert last.caused_by.caused_by.recommendation == testing
    assert last.changed_by == secretary


def test_an_abandoned_part_leaves_its_parents_roll_up(secretary):
    parent = make.recommendation()
    kept = make.recommendation(parent=parent, status=TrackerStatus.IN_PROGRESS, progress=40)
    dropped = make.recommendation(parent=parent)
    recompute_tree(parent, by=secretary, now=NOW)
    parent.refresh_from_db()
    assert parent.progress == 20
    update_recommendation(dropped, by=secretary, status=TrackerStatus.ABANDONED, now=NOW)
    parent.refresh_from_db()
    assert parent.progress == 40
    assert kept.progress == 40


def test_a_parent_takes_no_progress_of_its_own_but_may_change_status(secretary):
    parent = make.recommendation()
    make.recommendation(parent=parent)
    with pytest.raises(ValidationError) as caught:
        update_recommendation(parent, by=secretary, progress=40, now=NOW)
    assert "computed" in caught.value.message_dict["progress"][0]
    update_recommendation(parent, by=secretary, status=TrackerStatus.IN_PROGRESS, now=NOW)
    parent.refresh_from_db()
    assert (parent.status, parent.progress) == (TrackerStatus.IN_PROGRESS, 0)


def test_a_failed_update_leaves_nothing_behind(secretary):
    parent = make.recommendation()
    child = make.recommendation(parent=parent)
    with pytest.raises(ValidationError):
        update_recommendation(child, by=secretary, progress=150, now=NOW)
    assert not RecommendationChange.objects.exists()
    parent.refresh_from_db()
    assert parent.progress == 0


def test_milestones_are_dated_translated_with_evidence_and_traced(secretary):
    rec = make.recommendation()
    milestone = save_milestone(
        rec,
        by=secretary,
        due_on=NOW.date(),
        title_nl="Bestek gepubliceerd",
        title_fr="Cahier des charges publié",
        title_en="Specification published",
        now=NOW,
    )
    save_milestone(
        rec,
        by=secretary,
        milestone=milestone,
        due_on=NOW.date(),
        title_nl=milestone.title_nl,
        title_fr=milestone.title_fr,
        title_en=milestone.title_en,
        evidence_url="https://example.org/specification.pdf",
        done=True,
        now=NOW,
    )
    milestone.refresh_from_db()
    assert milestone.done and milestone.evidence_url.endswith(".pdf")
    assert milestone.translated("title", "fr") == "Cahier des charges publié"
    traces = list(rec.changes.filter(kind=ChangeKind.MILESTONE).order_by("pk"))
    assert [t.note for t in traces] == ["added", "done"]
    assert all(t.milestone == milestone and t.changed_by == secretary for t in traces)


def test_a_milestone_needs_a_title_and_a_valid_evidence_link(secretary):
    rec = make.recommendation()
    with pytest.raises(ValidationError):
        save_milestone(rec, by=secretary, due_on=NOW.date(), now=NOW)
    with pytest.raises(ValidationError) as caught:
        save_milestone(
            rec, by=secretary, due_on=NOW.date(), title_en="x", evidence_url="not a link", now=NOW
        )
    assert "evidence_url" in caught.value.message_dict
    assert not rec.milestones.exists()


def test_several_responsible_actors_per_recommendation():
    rec = make.recommendation()
    Responsibility.objects.create(recommendation=rec, actor=Actor.REGION, lead=True)
    Responsibility.objects.create(recommendation=rec, actor=Actor.OCMW_CPAS)
    Responsibility.objects.create(recommendation=rec, actor=Actor.ACTIRIS)
    assert [r.actor for r in rec.responsibilities.all()] == ["region", "ocmw_cpas", "actiris"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Responsibility.objects.create(recommendation=rec, actor=Actor.REGION)

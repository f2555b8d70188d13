"""The tracker's admin: lists open, status and progress are read-only there, and a changed
weight recomputes the parent's roll-up (with a trace)."""

import pytest
from django.urls import reverse

from umbrella.consultation import seeds
from umbrella.consultation.models import ChangeKind, Recommendation
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    seeds.load()
    return sign_in(client, personas.admin)


@pytest.mark.parametrize(
    "model",
    ["recommendation", "recommendationchange", "municipalityrecord", "municipalrule", "notice"],
)
def test_the_admin_lists_open(admin_client, model):
    assert admin_client.get(reverse(f"admin:consultation_{model}_changelist")).status_code == 200


def test_status_and_progress_are_read_only_in_the_admin(admin_client):
    rec = Recommendation.objects.get(slug="public-toilets")
    html = admin_client.get(
        reverse("admin:consultation_recommendation_change", args=[rec.pk])
    ).content.decode()
    assert 'name="progress"' not in html and 'name="status"' not in html


def test_a_new_weight_recomputes_the_parent(admin_client, personas):
    from umbrella.consultation.tracker.actions import update_recommendation

    health = Recommendation.objects.get(slug="action-plan-health")
    update_recommendation(health, by=personas.admin, status="in_progress", progress=70)
    plan = Recommendation.objects.get(slug="action-plan")
    plan.refresh_from_db()
    assert plan.progress == 30  # (70 + 10 + 10) / 3
    url = reverse("admin:consultation_recommendation_change", args=[health.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"weight": 4, "parent": plan.pk})
    for prefix in ("responsibilities", "indicator_links", "milestones"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.progress == 50  # (4*70 + 10 + 10) / 6
    last = plan.changes.filter(kind=ChangeKind.ROLLUP).first()
    assert (last.old_progress, last.new_progress, last.changed_by) == (30, 50, personas.admin)


def test_a_part_with_a_history_cannot_be_deleted_and_one_without_recomputes_its_parent(
    admin_client, personas
):
    from umbrella.consultation.tests import factories as make
    from umbrella.consultation.tracker.actions import recompute_tree, update_recommendation

    health = Recommendation.objects.get(slug="action-plan-health")
    update_recommendation(health, by=personas.admin, status="implemented")
    plan = Recommendation.objects.get(slug="action-plan")
    extra = make.recommendation(parent=plan)
    recompute_tree(plan, by=personas.admin)
    plan.refresh_from_db()
    assert plan.progress == 30  # (100 + 10 + 10 + 0) / 4
    # Its changes are the trace: the admin refuses to delete them with it.
    url = reverse("admin:consultation_recommendation_delete", args=[health.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Recommendation.objects.filter(pk=health.pk).exists()
    url = reverse("admin:consultation_recommendation_delete", args=[extra.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    plan.refresh_from_db()
    assert plan.progress == 40  # (100 + 10 + 10) / 3


def test_an_admin_edit_of_text_and_actors_is_a_change_row_in_the_history(
    admin_client, personas, client
):
    rec = Recommendation.objects.get(slug="public-toilets")
    before = rec.changes.count()
    url = reverse("admin:consultation_recommendation_change", args=[rec.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data["title_en"] = "More public toilets, open at night"
    existing = rec.responsibilities.count()
    for prefix in ("indicator_links", "milestones"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    # Keep the responsible actors already there and add Actiris.
    data.update(
        {"responsibilities-TOTAL_FORMS": existing + 1, "responsibilities-INITIAL_FORMS": existing}
    )
    for i, resp in enumerate(rec.responsibilities.all()):
        data.update(
            {
                f"responsibilities-{i}-id": resp.pk,
                f"responsibilities-{i}-recommendation": rec.pk,
                f"responsibilities-{i}-actor": resp.actor,
                f"responsibilities-{i}-lead": "on" if resp.lead else "",
            }
        )
    data.update(
        {
            f"responsibilities-{existing}-recommendation": rec.pk,
            f"responsibilities-{existing}-actor": "actiris",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert rec.changes.count() == before + 1
    edit = rec.changes.get(kind=ChangeKind.EDIT)
    assert edit.changed_by == personas.admin
    assert edit.note == "title_en,responsibilities"
    assert (edit.old_status, edit.old_progress) == (edit.new_status, edit.new_progress)
    # Who, what, when, in the public history, in the reader's language.
    client.logout()
    html = client.get(f"/en/platform/recommendations/{rec.slug}/").content.decode()
    assert "Edited: title (English), responsible actors." in html
    assert f"by {personas.admin.username}" in html
    html = client.get(f"/fr/platform/recommendations/{rec.slug}/").content.decode()
    assert "Modifié : titre (anglais), acteurs responsables." in html


def test_an_admin_save_without_change_leaves_no_change_row(admin_client):
    rec = Recommendation.objects.get(slug="public-toilets")
    before = rec.changes.count()
    url = reverse("admin:consultation_recommendation_change", args=[rec.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    for prefix in ("responsibilities", "indicator_links", "milestones"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    assert admin_client.post(url, data).status_code == 302
    assert rec.changes.count() == before

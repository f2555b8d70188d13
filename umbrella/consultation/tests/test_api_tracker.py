"""GET /api/v1/recommendations (docs/api.md's contract) and GET /api/v1/municipal-rules."""

import pytest

from umbrella.consultation import seeds
from umbrella.consultation.models import Recommendation, TrackerStatus
from umbrella.consultation.tests import factories as make
from umbrella.consultation.tracker.actions import save_milestone, update_recommendation

pytestmark = pytest.mark.django_db

RECOMMENDATION_KEYS = {
    "id", "slug", "number", "parent_id", "weight", "title", "summary", "status", "progress",
    "counts_in_parent", "as_reported", "official_text_url", "highlighted", "responsible",
    "milestones", "indicators", "updated_at",
}  # fmt: skip


@pytest.fixture
def seeded(db):
    seeds.load()


def test_recommendations_have_exactly_the_promised_shape(client, seeded):
    secretary = make.secretary()
    rec = Recommendation.objects.get(slug="public-toilets")
    update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PROGRESS, progress=40)
    from datetime import date

    save_milestone(
        rec, by=secretary, due_on=date(2027, 6, 1), title_en="Tender", title_fr="Marché",
        title_nl="Aanbesteding", evidence_url="https://example.org/e", done=True,
    )  # fmt: skip
    response = client.get("/api/v1/recommendations")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 11
    for item in body:
        assert set(item) == RECOMMENDATION_KEYS
        assert set(item["title"]) == {"nl", "fr", "en"}
        assert 0 <= item["progress"] <= 100
        assert item["status"] in TrackerStatus.values
    toilets = next(i for i in body if i["slug"] == "public-toilets")
    assert toilets["id"] == rec.pk
    assert toilets["title"] == {
        "nl": "Openbare toiletten, ook waar sekswerk plaatsvindt",
        "fr": "Des toilettes publiques, aussi là où le travail du sexe a lieu",
        "en": "Public toilets, also where sex work happens",
    }
    assert (toilets["status"], toilets["progress"]) == ("in_progress", 40)
    assert toilets["responsible"] == [
        {"actor": "municipalities", "name": "Municipalities", "lead": True},
        {"actor": "region", "name": "Brussels-Capital Region", "lead": False},
    ]
    assert toilets["milestones"] == [
        {
            "id": rec.milestones.get().pk,
            "date": "2027-06-01",
            "title": {"nl": "Aanbesteding", "fr": "Marché", "en": "Tender"},
            "evidence_url": "https://example.org/e",
            "done": True,
        }
    ]
    [indicator] = toilets["indicators"]
    assert set(indicator) == {
        "key",
        "label",
        "available",
        "value",
        "unit",
        "denominator",
        "as_of",
        "note",
    }
    assert indicator["key"] == "directory.toilets_in_visible_sex_work_neighbourhoods"
    assert (
        indicator["available"] is True and indicator["value"] == 0 and indicator["unit"] == "count"
    )
    # Parents come before their parts.
    slugs = [i["slug"] for i in body]
    assert slugs.index("action-plan") < slugs.index("action-plan-health")
    plan = next(i for i in body if i["slug"] == "action-plan")
    assert next(i for i in body if i["slug"] == "action-plan-health")["parent_id"] == plan["id"]


def test_labels_follow_lang(client, seeded):
    body = client.get("/api/v1/recommendations?lang=fr").json()
    toilets = next(i for i in body if i["slug"] == "public-toilets")
    assert toilets["responsible"][0]["name"] == "Communes"
    [indicator] = toilets["indicators"]
    assert (
        indicator["label"]
        == "Toilettes publiques dans les quartiers où le travail du sexe est visible"
    )
    assert indicator["note"].startswith(
        "Toilettes publiques ouvertes (hors urinoirs) au quartier Nord : 0"
    )


def test_an_indicator_nobody_provides_yet_is_listed_as_not_available(client, seeded):
    body = client.get("/api/v1/recommendations").json()
    training = next(i for i in body if i["slug"] == "training-first-line-staff")
    from umbrella.core import indicators as registry

    [indicator] = training["indicators"]
    assert indicator["key"] == "training.ocmw_cpas_staff_trained"
    assert indicator["available"] is (registry.get(indicator["key"]) is not None)


def test_municipal_rules_list_the_19_municipalities(client, seeded):
    response = client.get("/api/v1/municipal-rules")
    assert response.status_code == 200
    body = response.json()
    assert [m["nis_code"] for m in body] == [f"210{n:02d}" for n in range(1, 20)]
    schaerbeek = next(m for m in body if m["nis_code"] == "21015")
    [rule] = schaerbeek["rules"]
    assert set(rule) == {
        "id", "slug", "municipality", "kind", "title", "summary", "date", "date_precision",
        "status", "source", "to_verify",
    }  # fmt: skip
    assert (rule["kind"], rule["status"], rule["date"], rule["date_precision"]) == (
        "police_regulation", "in_force", "2011", "year",
    )  # fmt: skip
    assert rule["source"]["url"] is None and "docs/domain.md" in rule["source"]["label"]
    anderlecht = body[0]
    assert anderlecht["no_rule_known"] is True and anderlecht["rules"] == []
    assert anderlecht["to_verify"] is True


def test_the_openapi_document_states_both_contracts(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    def resolve(node):
        while "$ref" in node or len(node.get("allOf", [])) == 1:
            node = (
                schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
                if "$ref" in node
                else node["allOf"][0]
            )
        return node

    answer = schema["paths"]["/api/v1/recommendations"]["get"]["responses"]["200"]
    items = resolve(resolve(answer["content"]["application/json"]["schema"])["items"])
    assert {"id", "title", "status", "progress", "responsible", "milestones", "indicators"} <= set(
        items["required"]
    )
    assert set(resolve(items["properties"]["title"])["required"]) == {"nl", "fr", "en"}
    assert items["properties"]["progress"]["minimum"] == 0
    assert items["properties"]["progress"]["maximum"] == 100
    rules = schema["paths"]["/api/v1/municipal-rules"]["get"]["responses"]["200"]
    rule_items = resolve(resolve(rules["content"]["application/json"]["schema"])["items"])
    assert {"nis_code", "no_rule_known", "rules"} <= set(rule_items["required"])

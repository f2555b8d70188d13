"""The municipal rules monitor: comparison table, map data and CSV."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from umbrella.consultation import seeds

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    seeds.load()


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_comparison_table_has_19_municipalities_and_the_kinds(client, seeded, lang):
    with translation.override(lang):
        response = client.get(reverse("consultation:rules"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<th scope="row">') == 19
    assert {"nl": "Schaarbeek", "fr": "Schaerbeek", "en": "Schaerbeek"}[lang] in html
    assert html.count('<th scope="col">') == 5  # municipality + four kinds


def test_rules_show_status_date_source_and_the_to_verify_flag(client, seeded):
    html = client.get(reverse("consultation:rules")).content.decode()
    assert "Window-bar regulation" in html
    assert "In force · 2011" in html
    assert "Annulled by the Council of State" in html
    assert "Status not confirmed" in html
    assert "docs/domain.md" in html
    assert html.count("No rule on sex work known to the platform") == 16


def test_the_map_data_tells_kinds_by_letter_not_colour_alone(client, seeded):
    response = client.get(reverse("consultation:rules"))
    data = response.context["map_data"]
    assert data["21015"] == {
        "kinds": ["police_regulation"],
        "in_force": True,
        "none_known": False,
        "letters": "P",
    }
    assert data["21014"]["letters"] == "P T" and data["21014"]["in_force"] is False
    assert data["21001"] == {"kinds": [], "in_force": False, "none_known": True, "letters": "—"}
    html = response.content.decode()
    assert (
        json.loads(
            html.split('id="rules-map-data" type="application/json">')[1].split("</script>")[0]
        )
        == data
    )
    assert "consultation/rules_map.js" in html


def test_rules_csv_has_one_row_per_rule_and_per_municipality_without_one(client, seeded):
    response = client.get(reverse("consultation:rules_csv"))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[2].split(",")[:6] == [
        "nis_code",
        "municipality_nl",
        "municipality_fr",
        "police_zone",
        "no_rule_known",
        "kind",
    ]
    assert len(lines) == 3 + 5 + 16

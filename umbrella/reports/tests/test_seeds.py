"""The seeded matrix: every municipality and zone has its body; the command is idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from umbrella.reports.matrix import CATEGORIES
from umbrella.reports.models import (
    Body,
    BodyKind,
    Category,
    GuardTerm,
    RoutingCondition,
    RoutingRule,
)
from umbrella.reports.seeds import load_reports

pytestmark = pytest.mark.django_db


def test_bodies_for_the_19_municipalities_and_6_zones(brussels, db):
    load_reports()
    municipal = Body.objects.filter(kind=BodyKind.MUNICIPALITY)
    zones = Body.objects.filter(kind=BodyKind.POLICE_ZONE)
    assert municipal.count() == 19 and zones.count() == 6
    assert {b.municipality.nis_code for b in municipal} == {f"210{n:02d}" for n in range(1, 20)}
    assert {b.police_zone.code for b in zones} == {str(c) for c in range(5339, 5345)}
    assert Body.objects.get(code="municipality-21004").name_fr == "Ville de Bruxelles"
    assert Body.objects.get(code="municipality-21009").name_fr == "Commune d'Ixelles"
    for code in ("net-brussel", "stib-mivb", "safe-brussels", "espace-p", "utsopi", "alias"):
        assert Body.objects.filter(code=code).exists()
    centres = set(
        Body.objects.filter(kind=BodyKind.VICTIM_SUPPORT_CENTRE).values_list("code", flat=True)
    )
    assert centres == {"pag-asa", "payoke", "surya"}
    assert Body.objects.get(code="safe-brussels").mediates


def test_categories_are_translated_and_routed(brussels, db):
    load_reports()
    for seed in CATEGORIES:
        category = Category.objects.get(code=seed.code)
        assert all(category.translations("name").values()), seed.code
        assert category.rules.filter(condition=RoutingCondition.ALWAYS).exists(), seed.code
    confidential = set(Category.objects.filter(confidential=True).values_list("code", flat=True))
    assert confidential == {"sex-worker-harassment", "trafficking"}


def test_the_guard_lists_exist_in_nl_fr_en(brussels, db):
    load_reports()
    for language in ("nl", "fr", "en"):
        for kind in ("person", "presence", "always"):
            assert GuardTerm.objects.filter(language=language, kind=kind).exists()


def test_the_command_is_idempotent_and_keeps_operator_changes(brussels, db, capsys):
    call_command("load_reports")
    counts = (Body.objects.count(), Category.objects.count(), RoutingRule.objects.count())
    litter = Category.objects.get(code="litter")
    litter.name_en = "Rubbish (renamed by an operator)"
    litter.save()
    RoutingRule.objects.filter(category__code="noise").delete()
    RoutingRule.objects.create(
        category=Category.objects.get(code="noise"),
        target="body",
        body=Body.objects.get(code="safe-brussels"),
    )
    call_command("load_reports")
    assert Category.objects.get(code="litter").name_en == "Rubbish (renamed by an operator)"
    noise_rules = RoutingRule.objects.filter(category__code="noise")
    assert [r.body.code for r in noise_rules] == ["safe-brussels"]
    assert Body.objects.count() == counts[0] and Category.objects.count() == counts[1]
    assert "0 bodies" in capsys.readouterr().out


def test_the_demo_makes_demo_municipality_and_demo_police_staff(brussels, db):
    from umbrella.accounts.demo import create_demo
    from umbrella.reports import queries

    result = create_demo("pw-for-tests")
    municipality = result.users["demo-municipality"]
    police = result.users["demo-police"]
    saint_josse = Body.objects.get(code="municipality-21014")
    zone = Body.objects.get(code="zone-5344")
    assert municipality.memberships.filter(organisation=saint_josse.organisation).exists()
    assert police.memberships.filter(organisation=zone.organisation).exists()
    assert queries.inbox_for(municipality) is not None
    create_demo("pw-for-tests")  # again: nothing breaks
    assert Body.objects.filter(kind=BodyKind.MUNICIPALITY).count() == 19

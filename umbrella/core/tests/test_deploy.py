"""``manage.py deploy``: each seed once; what staff renamed, edited or deleted stays so."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.management import call_command

from umbrella.accounts.models import Organisation, OrganisationKind
from umbrella.consultation.models import MunicipalRule, Recommendation, RecommendationIndicator
from umbrella.core import seeding
from umbrella.core.models import SeedKey, SeedRun
from umbrella.directory import seeds as directory_seeds
from umbrella.directory.models import Organization, Service, ServiceAtLocation
from umbrella.reports.models import Body, Category, GuardTerm, RoutingRule
from umbrella.training.models import Course, Module

pytestmark = pytest.mark.django_db


def deploy() -> str:
    out = io.StringIO()
    call_command("deploy", "--skip-translations", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        Organization,
        Service,
        ServiceAtLocation,
        Body,
        Category,
        RoutingRule,
        GuardTerm,
        Recommendation,
        RecommendationIndicator,
        MunicipalRule,
        Course,
        Module,
    )
    counted = {model.__name__: model.objects.count() for model in models}
    counted["public services"] = Organisation.objects.filter(
        kind=OrganisationKind.PUBLIC_SERVICE
    ).count()
    return counted


def staff_changes() -> dict:
    """Rename, edit and delete seeded rows of every app, as staff would in the admin."""
    alias_care = Service.objects.get(organization__slug="alias", category="medical_care")
    alias_care.name_en = "Medical consultation (renamed by staff)"
    alias_care.save()
    Organization.objects.filter(slug="utsopi").update(description_en="Corrected by its staff.")
    Service.objects.filter(organization__slug="actiris").delete()
    Organization.objects.filter(slug="isala").delete()

    Category.objects.filter(code="litter").update(name_en="Rubbish (renamed)")
    Category.objects.filter(code="other").delete()
    Body.objects.filter(code="municipality-21001").update(name_en="Anderlecht (renamed)")
    Body.objects.filter(code="payoke").delete()
    RoutingRule.objects.filter(category__code="noise").delete()
    GuardTerm.objects.filter(term="hooker*").delete()

    Recommendation.objects.filter(slug="public-toilets").update(title_en="Toilets (edited)")
    Recommendation.objects.filter(slug="consultation-platform").delete()
    RecommendationIndicator.objects.filter(key__startswith="alarms.").delete()
    MunicipalRule.objects.filter(slug="brussels-earlier-fines").delete()

    Course.objects.filter(slug="working-without-stigma").update(title_en="Course (edited)")
    Organisation.objects.filter(nis_code="21001").update(name="CPAS d'Anderlecht (renamed)")
    Organisation.objects.filter(name="Actiris").delete()
    return counts()


def assert_changes_kept(before: dict) -> None:
    assert counts() == before
    assert Service.objects.get(organization__slug="alias", category="medical_care").name_en == (
        "Medical consultation (renamed by staff)"
    )
    assert Organization.objects.get(slug="utsopi").description_en == "Corrected by its staff."
    assert not Service.objects.filter(organization__slug="actiris").exists()
    assert not Organization.objects.filter(slug="isala").exists()
    assert Category.objects.get(code="litter").name_en == "Rubbish (renamed)"
    assert not Category.objects.filter(code="other").exists()
    assert Body.objects.get(code="municipality-21001").name_en == "Anderlecht (renamed)"
    assert not Body.objects.filter(code="payoke").exists()
    assert not RoutingRule.objects.filter(category__code="noise").exists()
    assert not GuardTerm.objects.filter(term="hooker*").exists()
    assert Recommendation.objects.get(slug="public-toilets").title_en == "Toilets (edited)"
    assert not Recommendation.objects.filter(slug="consultation-platform").exists()
    assert not RecommendationIndicator.objects.filter(key__startswith="alarms.").exists()
    assert not MunicipalRule.objects.filter(slug="brussels-earlier-fines").exists()
    assert Course.objects.get(slug="working-without-stigma").title_en == "Course (edited)"
    assert Organisation.objects.get(nis_code="21001").name == "CPAS d'Anderlecht (renamed)"
    assert not Organisation.objects.filter(name="Actiris").exists()


def test_a_first_deploy_seeds_every_app_and_a_second_changes_nothing():
    out = deploy()
    first = counts()
    assert first["Organization"] == 26 and first["Service"] == 27
    assert first["Category"] == 11 and first["Recommendation"] == 11
    assert first["Course"] == 1 and first["public services"] == 20
    assert "seed directory 1: Directory: 26 organisations created" in out
    assert set(SeedRun.objects.values_list("name", flat=True)) == {
        "areas",
        "directory",
        "reports",
        "consultation",
        "training",
        "training.courses",
    }
    again = deploy()
    assert "seed " not in again and "Deployed." in again
    assert counts() == first


def test_rows_staff_renamed_edited_or_deleted_stay_so_on_the_next_deploy():
    deploy()
    before = staff_changes()
    deploy()
    assert_changes_kept(before)


def test_a_seed_run_again_at_a_new_version_or_by_its_command_resurrects_nothing():
    deploy()
    before = staff_changes()
    # As if every seed's version were raised: deploy runs each again.
    SeedRun.objects.all().delete()
    out = deploy()
    assert "seed directory 1: Directory: 0 organisations created" in out
    assert "seed reports 1: Reports: 0 bodies, 0 categories, 0 routing rules" in out
    for command in ("load_directory", "load_reports", "load_consultation", "load_training"):
        call_command(command, stdout=io.StringIO())
    assert_changes_kept(before)


def test_a_new_seed_version_adds_only_its_new_rows(monkeypatch):
    deploy()
    before = staff_changes()
    new = directory_seeds.OrganizationSeed(
        slug="new-organisation",
        name="A new organisation",
        description={"nl": "Nieuw.", "fr": "Nouveau.", "en": "New."},
        services=(
            directory_seeds.ServiceSeed(
                "social_services", {"nl": "Dienst", "fr": "Service", "en": "Service"}
            ),
        ),
    )
    monkeypatch.setattr(directory_seeds, "ORGANISATIONS", (*directory_seeds.ORGANISATIONS, new))
    seeding.registered_seeds()
    monkeypatch.setitem(
        seeding._SEEDS, "directory", dataclasses.replace(seeding._SEEDS["directory"], version="2")
    )
    out = deploy()
    assert "Directory: 1 organisations created" in out
    assert Organization.objects.get(slug="new-organisation").services.count() == 1
    after = counts()
    assert after["Organization"] == before["Organization"] + 1
    assert after["Service"] == before["Service"] + 1
    assert_changes_kept(
        {**before, **{k: after[k] for k in ("Organization", "Service", "ServiceAtLocation")}}
    )
    assert SeedRun.objects.filter(name="directory", version="2").exists()


def test_an_install_seeded_before_the_ledger_adopts_its_rows_and_recreates_nothing():
    deploy()
    before = staff_changes()
    # An install set up by the old `make setup`: the rows, no ledger.
    SeedKey.objects.all().delete()
    SeedRun.objects.exclude(name="areas").delete()
    out = deploy()
    assert "Directory: 0 organisations created" in out
    assert_changes_kept(before)
    assert SeedKey.objects.filter(seed="directory", key="organisation:isala").exists()


def test_deploy_compiles_the_translations_unless_told_not_to(monkeypatch):
    from umbrella.core.management.commands import deploy as command

    called = []
    real = command.call_command

    def spy(name, *args, **kwargs):
        called.append(name)
        if name != "compilemessages":
            return real(name, *args, **kwargs)

    monkeypatch.setattr(command, "call_command", spy)
    call_command("deploy", stdout=io.StringIO())
    assert called[0] == "migrate" and "compilemessages" in called and "vapid_keys" in called
    called.clear()
    call_command("deploy", "--skip-translations", stdout=io.StringIO())
    assert "compilemessages" not in called


def test_a_demo_made_before_the_first_deploy_does_not_pass_for_an_old_seed():
    from umbrella.accounts.demo import create_demo

    call_command("load_brussels", stdout=io.StringIO())
    create_demo("pw-for-tests")
    deploy()
    services = Organisation.objects.filter(kind=OrganisationKind.PUBLIC_SERVICE)
    # The demo's OCMW/CPAS of Saint-Josse stands for that one; the other 19 are created.
    assert services.exclude(nis_code="").values("nis_code").distinct().count() == 19
    assert services.filter(name="Actiris").exists()
    assert Course.objects.filter(slug="working-without-stigma").exists()

"""Members: who is a member, who manages, seats, and the representation view."""

from datetime import timedelta

import pytest

from umbrella.consultation.members import actions, queries
from umbrella.consultation.models import Member, MemberCategory, Position
from umbrella.consultation.tests.factories import NOW, organisation_of, seat
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


def test_who_is_a_member(personas, seats, secretary):
    assert queries.is_member(personas.municipality)
    assert queries.is_member(personas.outreach)
    assert queries.is_member(secretary)  # the platform's secretary, without a seat
    for outsider in (personas.resident, personas.outsider, personas.worker, personas.admin):
        assert not queries.is_member(outsider)
    assert not queries.is_member(None)
    assert queries.member_of(personas.police) == seats["police"]
    assert queries.member_of(personas.resident) is None


def test_a_member_who_left_is_no_longer_one(personas, seats, secretary):
    actions.end_membership(seats["staff"], by=secretary, today=NOW.date())
    assert not queries.is_member(personas.staff)
    assert queries.member_of(personas.staff) is None


def test_only_the_secretary_and_the_chair_manage(personas, seats, secretary):
    assert queries.can_manage(secretary)
    assert queries.can_manage(personas.police)  # chair
    assert not queries.can_manage(personas.municipality)  # member
    assert not queries.can_manage(personas.resident)


def test_add_member_is_for_managers(personas, platform, secretary):
    with pytest.raises(actions.NotAllowed):
        actions.add_member(
            platform,
            by=personas.municipality,
            organisation=organisation_of(personas.municipality),
            representative=personas.municipality,
            category=MemberCategory.MUNICIPALITY,
        )
    member = actions.add_member(
        platform,
        by=secretary,
        organisation=organisation_of(personas.municipality),
        representative=personas.municipality,
        category=MemberCategory.MUNICIPALITY,
        position=Position.VICE_CHAIR,
    )
    assert member.position == Position.VICE_CHAIR
    assert queries.is_member(personas.municipality)


def test_one_person_cannot_represent_two_organisations_in_one_body(personas, platform, secretary):
    actions.add_member(
        platform,
        by=secretary,
        organisation=organisation_of(personas.staff),
        representative=personas.staff,
        category=MemberCategory.OCMW_CPAS,
    )
    with pytest.raises(actions.ConsultationError) as refused:
        actions.add_member(
            platform,
            by=secretary,
            organisation=organisation_of(personas.police),
            representative=personas.staff,
            category=MemberCategory.POLICE_ZONE,
        )
    assert refused.value.field == "representative"
    assert Member.objects.filter(representative=personas.staff).count() == 1


def test_representation_shows_who_is_missing_and_sex_workers_explicitly(client, seats):
    response = client.get("/en/platform/members/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sex-worker representatives: 1 seat filled." in html
    rows = {row.category: row.filled for row in response.context["rows"]}
    assert rows[MemberCategory.SEX_WORKER_REPRESENTATIVE] == 1
    assert rows[MemberCategory.MUNICIPALITY] == 1
    missing = {row.category for row in response.context["missing"]}
    assert missing == {
        MemberCategory.REGION,
        MemberCategory.FIELD_ORGANISATION,
        MemberCategory.NEIGHBOURHOOD_COMMITTEE,
    }
    assert 'data-missing="neighbourhood_committee"' in html
    assert "Outreach organisation (test)" in html


def test_representation_warns_when_no_sex_worker_sits(client, personas, platform, secretary):
    seat(platform, personas.municipality, MemberCategory.MUNICIPALITY)
    response = client.get("/nl/platform/members/")
    html = response.content.decode()
    assert 'data-sex-worker-seats="0"' in html
    assert 'data-missing="sex_worker_representative"' in html


def test_a_former_seat_is_not_counted(client, seats, secretary):
    actions.end_membership(seats["outreach"], by=secretary, today=NOW.date() - timedelta(days=1))
    response = client.get("/en/platform/members/")
    assert 'data-sex-worker-seats="0"' in response.content.decode()


def test_member_form_is_for_managers(client, personas, seats, secretary):
    sign_in(client, personas.municipality)
    assert client.get("/en/platform/members/new/").status_code == 403
    client.logout()
    sign_in(client, secretary)
    response = client.post(
        "/en/platform/members/new/",
        {
            "body": seats["police"].body.pk,
            "organisation": organisation_of(personas.outreach).pk,
            "representative": "nobody-has-this-name",
            "category": MemberCategory.FIELD_ORGANISATION,
            "position": Position.OBSERVER,
        },
    )
    assert response.status_code == 200
    assert "No one has this user name." in response.content.decode()
    # The input is kept.
    assert 'value="nobody-has-this-name"' in response.content.decode()


def test_the_representation_speaks_dutch_and_french(client, seats):
    dutch = client.get("/nl/platform/members/").content.decode()
    assert "Vertegenwoordigers van sekswerkers: 1 zetel ingenomen." in dutch
    assert "Wijkcomités" in dutch
    french = client.get("/fr/platform/members/").content.decode()
    assert "Représentant·es des travailleur·ses du sexe : 1 siège occupé." in french
    assert "Comités de quartier" in french


def test_working_groups_on_the_representation_page(client, personas, platform, seats):
    from umbrella.consultation.models import BodyKind

    health = actions.ensure_body(
        "health",
        BodyKind.WORKING_GROUP,
        parent=platform,
        name_nl="Gezondheid",
        name_fr="Santé",
        name_en="Health",
    )
    actions.ensure_body(
        "safety",
        BodyKind.WORKING_GROUP,
        parent=platform,
        name_nl="Veiligheid",
        name_fr="Sécurité",
        name_en="Safety",
    )
    seat(health, personas.staff, MemberCategory.OCMW_CPAS, Position.CHAIR)
    html = client.get("/en/platform/members/").content.decode()
    assert "Working group: Health" in html
    assert "OCMW/CPAS Saint-Josse (test) — OCMW/CPAS, Chair" in html
    assert "Working group: Safety" in html
    assert "No member has joined this working group yet." in html

"""The tracker's pages: list with accessible progress bars, detail with everything that
moved a recommendation, the secretary's forms, members' comments, following."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from umbrella.consultation import seeds
from umbrella.consultation.models import (
    Body,
    BodyKind,
    Member,
    MemberCategory,
    Notice,
    NoticeChannel,
    Position,
    Recommendation,
    RecommendationComment,
    TrackerStatus,
)
from umbrella.consultation.tests import factories as make
from umbrella.consultation.tracker.actions import update_recommendation
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    seeds.load()
    return {r.slug: r for r in Recommendation.objects.all()}


@pytest.fixture
def secretary(db):
    return make.secretary()


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"consultation:{name}", args=args)


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("nl", "Openbare toiletten, ook waar sekswerk plaatsvindt"),
        ("fr", "Des toilettes publiques, aussi là où le travail du sexe a lieu"),
        ("en", "Public toilets, also where sex work happens"),
    ],
)
def test_the_list_shows_every_recommendation_with_a_progress_bar_in_each_language(
    client, seeded, lang, title
):
    response = client.get(url("recommendations", lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert title in html
    assert html.count("<progress") == Recommendation.objects.count()
    # The action plan is at 10 % (its parts are in preparation): bar and text.
    assert '<progress max="100" value="10"' in html
    assert "10 %" in html
    assert reverse("consultation:recommendations_csv").split("/", 2)[2] in html


def test_the_detail_shows_responsible_status_milestones_history_parts_and_live_figures(
    client, seeded, secretary
):
    from umbrella.areas.actions import load_brussels
    from umbrella.areas.models import PoliceZone
    from umbrella.areas.tests.conftest import geography_is_loaded

    if not geography_is_loaded():
        load_brussels()
    from umbrella.directory.models import TraffickingReference

    TraffickingReference.objects.create(
        police_zone=PoliceZone.objects.get(code="5344"), function_en="Ref"
    )
    rec = seeded["trafficking-reference-person"]
    update_recommendation(
        rec, by=secretary, status=TrackerStatus.IN_PROGRESS, note="Two zones asked"
    )
    html = client.get(url("recommendation", rec.slug)).content.decode()
    assert "Police zones" in html and "Federal government" in html
    assert "In progress" in html and '<progress max="100" value="50"' in html
    assert "Status: Not started → In progress." in html
    assert "Two zones asked" in html
    assert "by secretary" in html
    assert "1 of 6" in html  # the live figure
    assert "As reported in the press — official text to be attached." in html

    plan = seeded["action-plan"]
    html = client.get(url("recommendation", str(plan.pk))).content.decode()  # by id
    assert "Action plan: health" in html and "Parts" in html
    assert "Progress recomputed from its parts: 7 % → 10 %." in html
    assert "Status: Not started → In preparation." in html


def test_an_unknown_recommendation_is_404(client, db):
    assert client.get(url("recommendation", "nothing-here")).status_code == 404


def test_the_secretary_updates_through_the_form_and_the_public_sees_it(client, seeded, secretary):
    rec = seeded["public-toilets"]
    sign_in(client, secretary)
    form_url = url("recommendation_update", rec.slug)
    assert client.get(form_url).status_code == 200
    response = client.post(
        form_url, {"status": "in_progress", "progress": "35", "note": "Six new toilets planned"}
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.progress) == ("in_progress", 35)
    change = rec.changes.get()
    assert change.changed_by == secretary and change.note == "Six new toilets planned"
    client.logout()
    for lang, text in (("nl", "In uitvoering"), ("fr", "En cours"), ("en", "In progress")):
        html = client.get(url("recommendation", rec.slug, lang=lang)).content.decode()
        assert '<progress max="100" value="35"' in html
        assert "Six new toilets planned" in html
        assert text in html


def test_an_invalid_update_keeps_what_was_typed_and_says_why(client, seeded, secretary):
    rec = seeded["public-toilets"]
    sign_in(client, secretary)
    response = client.post(
        url("recommendation_update", rec.slug),
        {"status": "in_progress", "progress": "150", "note": "Keep this note"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The progress must be a whole number from 0 to 100." in html
    assert 'value="150"' in html and "Keep this note" in html
    rec.refresh_from_db()
    assert rec.progress == 0 and not rec.changes.exists()


def test_only_the_secretary_edits(client, seeded, personas):
    rec = seeded["public-toilets"]
    form_url = url("recommendation_update", rec.slug)
    assert client.get(form_url).status_code == 302  # to sign in
    sign_in(client, personas.municipality)
    assert client.get(form_url).status_code == 403
    assert client.post(form_url, {"status": "implemented"}).status_code == 403
    assert not rec.changes.exists()


def test_milestones_through_the_form(client, seeded, secretary):
    rec = seeded["public-toilets"]
    sign_in(client, secretary)
    response = client.post(
        url("recommendation_milestone_new", rec.slug),
        {"due_on": "2027-03-31", "title_en": "Call for tenders", "evidence_url": "nonsense"},
    )
    assert response.status_code == 422
    assert "Call for tenders" in response.content.decode()
    response = client.post(
        url("recommendation_milestone_new", rec.slug),
        {
            "due_on": "2027-03-31",
            "title_en": "Call for tenders",
            "evidence_url": "https://example.org/t",
        },
    )
    assert response.status_code == 302
    milestone = rec.milestones.get()
    assert milestone.due_on == date(2027, 3, 31)
    response = client.post(
        url("recommendation_milestone", rec.slug, milestone.pk),
        {
            "due_on": "2027-03-31",
            "title_en": "Call for tenders",
            "evidence_url": "https://example.org/t",
            "done": "on",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done
    html = client.get(url("recommendation", rec.slug)).content.decode()
    assert "Milestone “Call for tenders” done." in html


def test_a_signed_in_person_follows_and_is_told_of_updates(client, seeded, secretary, personas):
    rec = seeded["public-toilets"]
    resident = personas.resident  # no e-mail address: notices on the site
    sign_in(client, resident)
    assert client.post(url("recommendation_follow", rec.slug)).status_code == 302
    update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PREPARATION)
    notice = Notice.objects.get(user=resident)
    assert notice.channel == NoticeChannel.SITE
    html = client.get(url("recommendations_following")).content.decode()
    assert "Status: Not started → In preparation." in html
    client.post(url("recommendations_following"))
    assert not client.get(url("recommendations_following")).context["notices"]
    assert client.post(url("recommendation_unfollow", rec.slug)).status_code == 302
    update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PROGRESS)
    assert Notice.objects.filter(user=resident).count() == 1


def test_a_follower_with_an_address_is_told_by_e_mail(
    client, seeded, secretary, personas, mailoutbox
):
    from django.utils import timezone

    from umbrella.consultation.following.actions import follow
    from umbrella.consultation.following.notices import send_due_notices

    staff = personas.staff
    staff.email = "staff@example.org"
    staff.save()
    rec = seeded["training-first-line-staff"]
    follow(rec, staff)
    update_recommendation(
        rec, by=secretary, status=TrackerStatus.IN_PROGRESS, note="First sessions"
    )
    assert send_due_notices(timezone.now()) == 1
    mail = mailoutbox[-1]
    assert mail.to == ["staff@example.org"]
    assert "Status: Not started → In progress." in mail.body
    assert "First sessions" in mail.body
    assert reverse("consultation:recommendation_unfollow", args=[rec.slug]) in mail.body
    assert Notice.objects.get().status == "sent"


def _member(user):
    body = Body.objects.create(
        kind=BodyKind.PLATFORM,
        slug="regional-platform",
        name_nl="Platform",
        name_fr="Plateforme",
        name_en="Platform",
    )
    from umbrella.accounts.actions import ensure_organisation
    from umbrella.accounts.models import OrganisationKind

    org = ensure_organisation("UTSOPI (test)", OrganisationKind.SUPPORT_ORGANISATION)
    return Member.objects.create(
        body=body,
        organisation=org,
        representative=user,
        position=Position.MEMBER,
        category=MemberCategory.SEX_WORKER_REPRESENTATIVE,
        joined_on=date(2026, 1, 1),
    )


def test_members_comment_on_updates_and_only_members_read_them(client, seeded, secretary, personas):
    rec = seeded["alarm-button-study"]
    change = update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PREPARATION)
    member = personas.outreach
    _member(member)
    sign_in(client, member)
    response = client.post(
        url("recommendation_comment", rec.slug),
        {"body": "Ask the workers first", "change": change.pk},
    )
    assert response.status_code == 302
    comment = RecommendationComment.objects.get()
    assert comment.change == change and comment.author == member
    assert "Ask the workers first" in client.get(url("recommendation", rec.slug)).content.decode()
    # Empty: refused, the form says why.
    response = client.post(url("recommendation_comment", rec.slug), {"body": "  "})
    assert response.status_code == 422
    client.logout()
    assert (
        "Ask the workers first" not in client.get(url("recommendation", rec.slug)).content.decode()
    )
    sign_in(client, personas.resident)
    assert (
        "Ask the workers first" not in client.get(url("recommendation", rec.slug)).content.decode()
    )
    assert client.post(url("recommendation_comment", rec.slug), {"body": "x"}).status_code == 403
    assert RecommendationComment.objects.count() == 1


def test_csv_open_data_of_recommendations(client, seeded):
    response = client.get(url("recommendations_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("# License: CC BY 4.0")
    assert lines[2].startswith(
        "id,number,slug,parent_id,weight,title_nl,title_fr,title_en,status,progress"
    )
    assert len(lines) == 3 + Recommendation.objects.count()
    assert any("directory.zones_with_trafficking_reference=" in line for line in lines)


def test_a_follower_is_e_mailed_in_the_language_she_followed_in(
    client, seeded, secretary, personas, mailoutbox
):
    # The pages activate their language; give the next tests back the one they had.
    with translation.override(translation.get_language()):
        _follow_in_french_then_dutch(client, seeded, secretary, personas, mailoutbox)


def _follow_in_french_then_dutch(client, seeded, secretary, personas, mailoutbox):
    from django.utils import timezone

    from umbrella.consultation.following.notices import send_due_notices
    from umbrella.consultation.models import Follower

    staff = personas.staff
    staff.email = "staff@example.org"
    staff.save()
    rec = seeded["training-first-line-staff"]
    sign_in(client, staff)
    assert client.post(f"/fr/platform/recommendations/{rec.slug}/follow/").status_code == 302
    assert Follower.objects.get(user=staff).language == "fr"
    update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PROGRESS)
    assert send_due_notices(timezone.now()) == 1
    assert "Statut : Pas commencé → En cours." in mailoutbox[-1].body
    # Following again from a Dutch page renews the language.
    assert client.post(f"/nl/platform/recommendations/{rec.slug}/follow/").status_code == 302
    assert Follower.objects.get(user=staff).language == "nl"
    update_recommendation(rec, by=secretary, progress=40)
    assert send_due_notices(timezone.now()) == 1
    assert "Vooruitgang: 50 % → 40 %." in mailoutbox[-1].body

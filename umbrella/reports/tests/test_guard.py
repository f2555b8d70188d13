"""The anti-targeting guard: reports about people's presence never reach the police."""

from __future__ import annotations

import pytest
from django.utils import translation

from umbrella.reports import actions, guard, queries
from umbrella.reports.models import (
    BodyNotification,
    Contact,
    GuardTerm,
    GuardTermKind,
    ModerationStatus,
    RecipientReason,
    Report,
    ReportStatus,
)
from umbrella.reports.tests.conftest import submit

pytestmark = pytest.mark.django_db

TARGETING = [
    ("drug-dealing", "There are always prostitutes in front of my house, get rid of them."),
    ("noise", "Il y a toujours des prostituées devant chez moi, il faut les chasser."),
    ("other", "Weg met de hoeren uit onze straat."),
    ("drug-dealing", "Too many hookers hanging around the corner."),
    ("litter", "Putes partout dans la rue, on ne veut pas de ça."),
]
ABOUT_A_SITUATION = [
    ("drug-dealing", "Two men sell drugs at the corner of rue Linné every evening."),
    ("noise", "Loud music from the bar until 4 in the morning."),
    ("litter", "Bags of rubbish dumped in front of number 12."),
    ("needles", "Used needles near the playground entrance."),
]


@pytest.mark.parametrize(("code", "text"), TARGETING)
def test_targeting_text_is_held_for_moderation_and_never_routed_to_the_police(matrix, code, text):
    Contact.objects.create(body=matrix.zone_5344, channel="email", endpoint="z@example.org")
    submitted = submit(code=code, description=text)
    report = submitted.report
    assert report.guard_flagged and report.guard_terms
    assert report.moderation_status == ModerationStatus.PENDING
    assert report.status == ReportStatus.SUBMITTED
    assert not report.is_public
    bodies = {r.body.code: r.reason for r in report.deliveries_to.select_related("body")}
    assert bodies == {"safe-brussels": RecipientReason.MODERATION}
    assert not BodyNotification.objects.filter(body=matrix.zone_5344).exists()
    assert submitted.guard_explanation and "legal" in submitted.guard_explanation
    assert report in queries.moderation_queue_for(matrix.mediator)
    assert queries.public_report(report.pk) is None


@pytest.mark.parametrize(("code", "text"), ABOUT_A_SITUATION)
def test_a_report_about_a_situation_passes(matrix, code, text):
    submitted = submit(code=code, description=text)
    assert not submitted.report.guard_flagged
    assert submitted.guard_explanation is None
    assert submitted.report.moderation_status == ModerationStatus.NOT_NEEDED


def test_categories_about_sex_workers_safety_are_not_checked(matrix):
    text = "A man keeps chasing the sex workers away with insults, too many times."
    report = submit(code="sex-worker-harassment", description=text).report
    assert not report.guard_flagged
    assert {r.body.code for r in report.deliveries_to.select_related("body")} >= {"espace-p"}


def test_the_explanation_is_in_the_reporters_language(matrix):
    for language, word in (("fr", "légal"), ("nl", "legaal"), ("en", "legal")):
        submitted = submit(
            description="Get rid of the prostitutes please.",
            language=language,
            client_key=language,
        )
        assert word in submitted.guard_explanation
        assert "prostitu" not in submitted.guard_explanation.lower()
    with translation.override("fr"):
        assert "sex work" in guard.explanation("en")


def test_the_word_lists_are_configurable(matrix):
    litter = matrix.category("litter")
    text = "The escorts are standing on the corner again."
    assert not guard.check(text, litter).flagged
    GuardTerm.objects.create(kind=GuardTermKind.PERSON, language="en", term="escort*")
    GuardTerm.objects.create(kind=GuardTermKind.PRESENCE, language="en", term="standing on")
    assert guard.check(text, litter).flagged
    GuardTerm.objects.filter(term="escort*").update(active=False)
    assert not guard.check(text, litter).flagged


def test_matching_ignores_case_and_accents_and_needs_whole_words(matrix):
    litter = matrix.category("litter")
    assert guard.check("PROSTITUÉES partout !", litter).flagged
    # "whore" is a person term, but "whorehouse"… is matched by the prefix rule only
    # when the term says so; "hoer*" must not match "schoenen" or "hoek" (corner).
    assert not guard.check("Trop de déchets au hoek van de straat partout.", litter).flagged


def test_a_moderator_releases_a_report_to_its_routing_without_the_police(matrix):
    submitted = submit(code="drug-dealing", description="Get rid of the prostitutes please.")
    report = actions.release_from_moderation(submitted.report, by=matrix.mediator)
    assert report.moderation_status == ModerationStatus.RELEASED
    assert report.status == ReportStatus.OPEN and report.is_public
    codes = set(report.deliveries_to.values_list("body__code", flat=True))
    assert codes == {"safe-brussels"}  # drug dealing goes to the zone: held back
    assert report not in queries.moderation_queue_for(matrix.mediator)


def test_a_moderator_may_route_to_the_police_on_release(matrix):
    Contact.objects.create(body=matrix.zone_5344, channel="email", endpoint="z@example.org")
    submitted = submit(code="drug-dealing", description="Get rid of the prostitutes please.")
    report = actions.release_from_moderation(
        submitted.report, by=matrix.mediator, route_to_police=True
    )
    assert report.body == matrix.zone_5344
    assert BodyNotification.objects.filter(body=matrix.zone_5344).exists()


def test_release_routes_a_municipal_category_to_the_municipality(matrix):
    submitted = submit(code="noise", description="Hookers shouting, too many of them here.")
    report = actions.release_from_moderation(submitted.report, by=matrix.mediator)
    assert report.body == matrix.saint_josse
    assert queries.can_update(matrix.people.municipality, report)


def test_a_moderator_dismisses_a_report_about_presence_only(matrix):
    submitted = submit(description="Get rid of the prostitutes please.")
    report = actions.dismiss_from_moderation(
        submitted.report, by=matrix.mediator, text="About presence only."
    )
    assert report.status == ReportStatus.CLOSED and report.close_reason == "no_further_action"
    assert report.moderation_status == ModerationStatus.DISMISSED and not report.is_public


def test_only_moderators_moderate(matrix):
    submitted = submit(description="Get rid of the prostitutes please.")
    for person in (matrix.people.municipality, matrix.people.police, matrix.people.resident):
        assert queries.moderation_queue_for(person) is None
        with pytest.raises(actions.ReportInvalid):
            actions.release_from_moderation(submitted.report, by=person)
    assert Report.objects.get(pk=submitted.report.pk).moderation_status == "pending"
    assert queries.moderation_queue_for(matrix.people.admin) is not None

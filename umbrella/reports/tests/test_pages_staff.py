"""The authorisation matrix of the report pages, and the staff pages themselves.

Who: the reporter (through her code), the routed body's staff (Saint-Josse's officer), another
body's staff (Schaerbeek's officer), the police (zone 5344's trafficking reference) and the
public (no account). Where a report's existence itself must not leak (a confidential report,
another body's report), the answer is 404, never 403.
"""

from __future__ import annotations

import pytest

from umbrella.reports import actions
from umbrella.reports.models import Report, ReportStatus
from umbrella.reports.tests.world import SAINT_JOSSE, make_report
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def litter(world):
    return make_report(world.litter)


@pytest.fixture
def secret(world):
    return make_report(
        world.trafficking,
        text="Young women locked in a house at night.",
        wants_victim_support=False,
    )


def _as(client, user):
    if user is not None:
        sign_in(client, user)
    return client


def _people(personas, world):
    return {
        "routed": personas.municipality,
        "other_body": world.other_officer,
        "police": personas.police,
        "resident": personas.resident,
    }


# -- The staff report page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("routed", 200), ("other_body", 404), ("police", 404), ("resident", 404)],
)
def test_a_municipal_report_is_open_to_its_body_only(client, personas, world, litter, who, status):
    report, _code = litter
    _as(client, _people(personas, world)[who])
    response = client.get(f"/en/reports/staff/{report.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "Broken glass all over the pavement." in response.content.decode()
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("routed", 404), ("other_body", 404), ("police", 200), ("resident", 404)],
)
def test_a_confidential_report_is_open_to_the_zones_reference_only(
    client, personas, world, secret, who, status
):
    report, _code = secret
    _as(client, _people(personas, world)[who])
    response = client.get(f"/en/reports/staff/{report.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "Young women locked in a house at night." in response.content.decode()


def test_the_public_is_sent_to_sign_in_for_staff_pages(client, world, litter):
    report, _code = litter
    for url in (
        "/en/reports/staff/",
        f"/en/reports/staff/{report.pk}/",
        "/en/reports/staff/moderation/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_staff_who_did_not_pass_two_step_verification_are_sent_to_it(
    client, personas, world, litter
):
    report, _code = litter
    client.force_login(personas.municipality)
    response = client.get(f"/en/reports/staff/{report.pk}/")
    assert response.status_code == 302
    assert "/accounts/two-step/" in response["Location"]


def test_a_staff_read_is_audited(client, personas, world, secret):
    from umbrella.core.models import AuditEntry

    report, _code = secret
    before = AuditEntry.objects.count()
    _as(client, personas.police).get(f"/en/reports/staff/{report.pk}/")
    assert AuditEntry.objects.count() == before + 1


# -- The inbox ---------------------------------------------------------------------------------


def test_each_inbox_holds_its_bodys_reports_only(client, personas, world, litter, secret):
    report, _ = litter
    confidential, _ = secret
    inbox = _as(client, personas.municipality).get("/en/reports/staff/").content.decode()
    assert f"/en/reports/staff/{report.pk}/" in inbox
    assert f"/en/reports/staff/{confidential.pk}/" not in inbox
    client.logout()
    police = _as(client, personas.police).get("/en/reports/staff/").content.decode()
    assert f"/en/reports/staff/{confidential.pk}/" in police
    assert f"/en/reports/staff/{report.pk}/" not in police
    client.logout()
    other = _as(client, world.other_officer).get("/en/reports/staff/").content.decode()
    assert f"/en/reports/staff/{report.pk}/" not in other
    assert f"/en/reports/staff/{confidential.pk}/" not in other


def test_a_person_of_no_body_has_no_inbox(client, personas, world):
    response = _as(client, personas.resident).get("/en/reports/staff/")
    assert response.status_code == 404


# -- Updates -----------------------------------------------------------------------------------


def test_the_routed_body_updates_the_report_in_dutch(client, personas, world, litter):
    report, code = litter
    _as(client, personas.municipality)
    page = client.get(f"/nl/reports/staff/{report.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/nl/reports/staff/{report.pk}/",
        {
            "new_status": ReportStatus.IN_PROGRESS,
            "text": "De veegploeg komt morgen.",
            "public": "on",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_PROGRESS
    client.logout()
    follow_up = client.get(f"/en/reports/follow-up/{code}/").content.decode()
    assert "De veegploeg komt morgen." in follow_up


def test_an_empty_update_is_refused_with_a_sentence(client, personas, world, litter):
    report, _code = litter
    response = _as(client, personas.municipality).post(
        f"/en/reports/staff/{report.pk}/", {"text": ""}
    )
    assert response.status_code == 400
    assert "Write an update or choose a new status." in response.content.decode()


@pytest.mark.parametrize("who", ["other_body", "police", "resident"])
def test_no_one_else_may_update(client, personas, world, litter, who):
    report, _code = litter
    _as(client, _people(personas, world)[who])
    response = client.post(
        f"/en/reports/staff/{report.pk}/", {"new_status": ReportStatus.FIXED, "text": "Done."}
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status != ReportStatus.FIXED


def test_referral_sends_the_report_to_another_body(client, personas, world, litter):
    report, _code = litter
    response = _as(client, personas.municipality).post(
        f"/en/reports/staff/{report.pk}/",
        {
            "new_status": ReportStatus.REFERRED,
            "referred_to": str(world.schaerbeek.pk),
            "text": "This street belongs to Schaerbeek.",
            "public": "on",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REFERRED
    assert report.referred_to == world.schaerbeek


# -- Public pages and the reporter's page, for everyone ---------------------------------------


@pytest.mark.parametrize("who", ["routed", "other_body", "police", "resident", None])
def test_the_public_page_of_a_confidential_report_is_404_for_everyone(
    client, personas, world, secret, who
):
    report, _code = secret
    _as(client, _people(personas, world)[who] if who else None)
    assert client.get(f"/en/reports/{report.public_id}/").status_code == 404


@pytest.mark.parametrize("who", ["routed", "other_body", "police", "resident", None])
def test_the_follow_up_page_needs_the_code_not_a_role(client, personas, world, secret, who):
    report, code = secret
    _as(client, _people(personas, world)[who] if who else None)
    assert client.get(f"/en/reports/follow-up/{code}/").status_code == 200
    wrong = code[:-1] + ("y" if code.endswith("x") else "x")  # one character off, never the code
    assert client.get(f"/en/reports/follow-up/{wrong}/").status_code == 404
    assert client.get(f"/en/reports/mine/{report.pk}/").status_code in (302, 404)


def test_a_signed_in_reporter_follows_her_own_reports(client, personas, world):
    report, _code = make_report(world.litter, user=personas.worker, reporter_kind="sex_worker")
    other, _ = make_report(world.litter, text="Someone else's glass on the road.")
    _as(client, personas.worker)
    mine = client.get("/en/reports/mine/").content.decode()
    assert f"/en/reports/mine/{report.pk}/" in mine
    assert f"/en/reports/mine/{other.pk}/" not in mine
    assert client.get(f"/en/reports/mine/{report.pk}/").status_code == 200
    assert client.get(f"/en/reports/mine/{other.pk}/").status_code == 404


# -- Moderation --------------------------------------------------------------------------------


def test_the_mediating_body_moderates_a_held_report(client, personas, world):
    held, _ = make_report(world.litter, text="There are prostitutes always here, remove them.")
    assert held.guard_flagged
    queue = _as(client, personas.outreach).get("/en/reports/staff/moderation/")
    assert queue.status_code == 200
    assert f"/en/reports/staff/{held.pk}/" in queue.content.decode()
    response = client.post(f"/en/reports/staff/moderation/{held.pk}/release/")
    assert response.status_code == 302
    held.refresh_from_db()
    assert not held.is_held_by_guard()
    # The police never got it.
    assert world.police not in set(held.recipients.all())


def test_the_moderation_queue_is_not_for_a_municipality(client, personas, world):
    held, _ = make_report(world.litter, text="There are prostitutes always here, remove them.")
    response = _as(client, personas.municipality).get("/en/reports/staff/moderation/")
    assert response.status_code == 404
    release = client.post(f"/en/reports/staff/moderation/{held.pk}/release/")
    assert release.status_code == 404
    assert Report.objects.get(pk=held.pk).is_held_by_guard()


# -- Body pages --------------------------------------------------------------------------------


def test_a_body_page_and_the_comparison_are_public(client, personas, world, litter):
    report, _code = litter
    actions.post_update(
        report, author=personas.municipality, text="On it.", new_status=ReportStatus.IN_PROGRESS
    )
    page = client.get("/en/reports/bodies/municipality-21014/")
    assert page.status_code == 200
    assert f"/en/reports/{report.public_id}/" in page.content.decode()
    comparison = client.get("/en/reports/bodies/")
    assert comparison.status_code == 200
    assert "/en/reports/bodies/municipality-21014/" in comparison.content.decode()
    assert client.get("/en/reports/bodies/no-such-body/").status_code == 404


def test_staff_pages_keep_the_point_precise_and_public_pages_rounded(
    client, personas, world, litter
):
    report, _code = litter
    staff = (
        _as(client, personas.municipality).get(f"/en/reports/staff/{report.pk}/").content.decode()
    )
    assert f"{SAINT_JOSSE[0]:.5f}" in staff


def test_a_dismissed_report_leaves_the_queue_and_goes_nowhere(client, personas, world):
    held, _ = make_report(world.litter, text="There are prostitutes always here, remove them.")
    _as(client, personas.outreach)
    response = client.post(
        f"/en/reports/staff/moderation/{held.pk}/dismiss/", {"text": "About presence only."}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == ReportStatus.CLOSED and not held.is_public
    queue = client.get("/en/reports/staff/moderation/").content.decode()
    assert f"/en/reports/staff/{held.pk}/" not in queue


# -- Photos ------------------------------------------------------------------------------------


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_photo_is_published_only_after_staff_saw_it_shows_nobody(client, personas, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("glass.png", _png(), content_type="image/png")
    response = client.post(
        "/en/reports/new/",
        {
            "category": "litter",
            "lat": str(SAINT_JOSSE[0]),
            "lon": str(SAINT_JOSSE[1]),
            "description": "Broken glass all over the pavement.",
            "reporter_kind": "merchant",
            "photo": photo,
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    # Not public yet: no image on the public page, and its address answers 404.
    assert "<img" not in client.get(f"/en/reports/{report.public_id}/").content.decode()
    assert client.get(f"/en/reports/{report.public_id}/photo/").status_code == 404
    # Another body's staff cannot see it, nor publish it.
    _as(client, world.other_officer)
    assert client.get(f"/en/reports/staff/{report.pk}/photo/").status_code == 404
    assert (
        client.post(
            f"/en/reports/staff/{report.pk}/photo/review/", {"shows_nobody": "1"}
        ).status_code
        == 404
    )
    client.logout()
    # The routed body sees it and publishes it.
    _as(client, personas.municipality)
    staff_photo = client.get(f"/en/reports/staff/{report.pk}/photo/")
    assert staff_photo.status_code == 200 and staff_photo["Content-Type"].startswith("image/")
    review = client.post(f"/en/reports/staff/{report.pk}/photo/review/", {"shows_nobody": "1"})
    assert review.status_code == 302
    client.logout()
    assert (
        f'src="/en/reports/{report.public_id}/photo/"'
        in client.get(f"/en/reports/{report.public_id}/").content.decode()
    )
    public = client.get(f"/en/reports/{report.public_id}/photo/")
    assert public.status_code == 200 and public["Content-Type"].startswith("image/")


def test_a_file_that_is_not_an_image_is_refused_with_the_rest_kept(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/en/reports/new/",
        {
            "category": "litter",
            "lat": str(SAINT_JOSSE[0]),
            "lon": str(SAINT_JOSSE[1]),
            "description": "Broken glass all over the pavement.",
            "reporter_kind": "resident",
            "photo": SimpleUploadedFile("notes.txt", b"not an image", content_type="text/plain"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is not a photo." in html
    assert "Broken glass all over the pavement." in html
    assert "choose it again" in html
    assert not Report.objects.exists()


def test_the_body_a_report_is_referred_to_then_sees_it(client, personas, world, litter):
    report, _code = litter
    _as(client, personas.municipality).post(
        f"/en/reports/staff/{report.pk}/",
        {
            "new_status": ReportStatus.REFERRED,
            "referred_to": str(world.schaerbeek.pk),
            "text": "Yours.",
        },
    )
    client.logout()
    _as(client, world.other_officer)
    assert client.get(f"/en/reports/staff/{report.pk}/").status_code == 200
    assert f"/en/reports/staff/{report.pk}/" in client.get("/en/reports/staff/").content.decode()


def test_the_inbox_leaves_finished_reports_out_unless_asked(client, personas, world, litter):
    report, _code = litter
    done, _ = make_report(world.litter, text="A mattress on the pavement.")
    actions.post_update(
        done, author=personas.municipality, text="Taken away.", new_status=ReportStatus.FIXED
    )
    _as(client, personas.municipality)

    def listed(**query):
        response = client.get("/en/reports/staff/", query)
        html = response.content.decode()
        return response.status_code, {
            r.pk for r in (report, done) if f"/en/reports/staff/{r.pk}/" in html
        }

    assert listed() == (200, {report.pk})
    assert listed(include_closed="on") == (200, {report.pk, done.pk})
    assert listed(status="fixed") == (200, {done.pk})
    status, found = listed(status="nonsense")
    assert status == 400 and found == set()

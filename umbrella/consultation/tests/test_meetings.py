"""Meetings: visibility (public vs members-only), planning, agenda, documents,
invitations, registration and attendance."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from umbrella.consultation.meetings import actions, queries
from umbrella.consultation.models import AgendaDocument, Meeting, Participation, Visibility
from umbrella.consultation.tests.factories import NOW, aware, meeting
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_public_sees_public_meetings_only(client, seats, public_meeting, closed_meeting):
    response = client.get("/en/platform/meetings/")
    assert response.status_code == 200
    assert list(response.context["upcoming"]) == [public_meeting]
    assert "Closed session" not in response.content.decode()
    assert client.get(f"/en/platform/meetings/{public_meeting.pk}/").status_code == 200
    # Not even told that the members-only meeting exists.
    assert client.get(f"/en/platform/meetings/{closed_meeting.pk}/").status_code == 404
    overview = client.get("/fr/platform/")
    assert overview.status_code == 200
    assert list(overview.context["upcoming"]) == [public_meeting]


def test_signed_in_non_members_see_what_the_public_sees(
    client, personas, seats, public_meeting, closed_meeting
):
    for person in (personas.resident, personas.worker, personas.admin):
        sign_in(client, person)
        assert client.get(f"/en/platform/meetings/{closed_meeting.pk}/").status_code == 404
        assert list(queries.visible_meetings(person)) == [public_meeting]
        client.logout()


def test_members_see_members_only_meetings(client, personas, seats, public_meeting, closed_meeting):
    sign_in(client, personas.staff)
    response = client.get("/en/platform/meetings/")
    assert list(response.context["upcoming"]) == [public_meeting, closed_meeting]
    detail = client.get(f"/en/platform/meetings/{closed_meeting.pk}/")
    assert detail.status_code == 200
    assert "Members only" in detail.content.decode()


def test_the_secretary_plans_a_meeting(client, personas, seats, secretary, platform):
    sign_in(client, secretary)
    form = {
        "body": platform.pk,
        "title_en": "Health working session",
        "starts_at": "2026-11-20T14:00",
        "ends_at": "2026-11-20T16:00",
        "place": "",
        "online_url": "https://meet.example.org/platform",
        "visibility": Visibility.MEMBERS,
    }
    response = client.post("/en/platform/meetings/new/", form)
    created = Meeting.objects.get(title_en="Health working session")
    assert response.status_code == 302
    assert response["Location"] == f"/en/platform/meetings/{created.pk}/manage/"
    # Entered in Brussels time (winter: UTC+1).
    assert created.starts_at.isoformat() == "2026-11-20T13:00:00+00:00"
    assert created.visibility == Visibility.MEMBERS and created.created_by == secretary


def test_a_meeting_form_error_keeps_the_input(client, secretary, platform):
    sign_in(client, secretary)
    form = {
        "body": platform.pk,
        "title_fr": "Séance plénière",
        "starts_at": "2026-11-20T14:00",
        "ends_at": "2026-11-20T13:00",
        "place": "Hôtel de ville",
        "visibility": Visibility.PUBLIC,
    }
    response = client.post("/en/platform/meetings/new/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The meeting must end after it starts." in html
    assert 'value="Séance plénière"' in html and 'value="Hôtel de ville"' in html
    no_place = client.post("/en/platform/meetings/new/", {**form, "place": "", "ends_at": ""})
    assert "This field is required." in no_place.content.decode()
    assert not Meeting.objects.exists()


def test_members_and_the_public_cannot_plan_meetings(client, personas, seats):
    assert client.get("/en/platform/meetings/new/").status_code == 302  # to sign in
    sign_in(client, personas.municipality)
    assert client.get("/en/platform/meetings/new/").status_code == 403
    with pytest.raises(actions.NotAllowed):
        meeting(seats["police"].body, personas.municipality, starts_at=NOW + timedelta(days=1))


def test_nested_agenda_with_durations(secretary, public_meeting):
    opening = actions.add_agenda_item(
        public_meeting, by=secretary, title_en="Opening", duration_minutes=10
    )
    toilets = actions.add_agenda_item(
        public_meeting, by=secretary, title_en="Public toilets", duration_minutes=30
    )
    north = actions.add_agenda_item(
        public_meeting, by=secretary, title_en="North quarter", duration_minutes=20, parent=toilets
    )
    actions.add_agenda_item(
        public_meeting, by=secretary, title_en="Midi", duration_minutes=25, parent=toilets
    )
    with pytest.raises(actions.ConsultationError):
        actions.add_agenda_item(
            public_meeting, by=secretary, title_en="Too deep", duration_minutes=5, parent=north
        )
    with pytest.raises(actions.ConsultationError):
        actions.add_agenda_item(public_meeting, by=secretary, title_en="Empty", duration_minutes=0)
    agenda = queries.agenda(public_meeting)
    assert [item.title for item in agenda] == ["Opening", "Public toilets"]
    assert [sub.title for sub in agenda[1].sub_items] == ["North quarter", "Midi"]
    # The sub-points (45 min) take longer than their parent's own 30.
    assert queries.agenda_minutes(public_meeting) == 10 + 45
    assert opening.order == 1 and toilets.order == 2


def _upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_documents_are_checked_for_type_and_size(secretary, public_meeting, settings):
    item = actions.add_agenda_item(
        public_meeting, by=secretary, title_en="Opening", duration_minutes=10
    )
    document = actions.attach_document(
        item, by=secretary, title="Draft action plan", upload=_upload("plan Ana.pdf", PDF)
    )
    assert document.size == len(PDF) and document.content_type == "application/pdf"
    assert "Ana" not in document.file.name  # stored under a random name
    assert (settings.MEDIA_ROOT / document.file.name).read_bytes() == PDF
    refusals = [
        (_upload("run.exe", b"MZ..."), "This kind of file is not accepted."),
        (_upload("fake.pdf", b"<html>"), "does not match its name"),
        (_upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024)), "larger than 10 MB"),
        (_upload("empty.txt", b"", "text/plain"), "empty"),
    ]
    for upload, sentence in refusals:
        with pytest.raises(actions.ConsultationError) as refused:
            actions.attach_document(item, by=secretary, title="x", upload=upload)
        assert sentence in refused.value.message
    link = actions.attach_document(
        item, by=secretary, title="Resolution", url="https://www.parlement.brussels/"
    )
    assert not link.file and link.url
    assert AgendaDocument.objects.count() == 2


def test_documents_follow_the_meeting_visibility(
    client, personas, seats, secretary, closed_meeting
):
    item = actions.add_agenda_item(
        closed_meeting, by=secretary, title_en="Internal", duration_minutes=10
    )
    document = actions.attach_document(
        item, by=secretary, title="Internal note", upload=_upload("note.pdf", PDF)
    )
    url = f"/en/platform/documents/{document.pk}/"
    assert client.get(url).status_code == 404
    sign_in(client, personas.municipality)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    document.file.storage.delete(document.file.name)
    assert client.get(url).status_code == 404  # a lost file is not a server error


def test_upload_through_the_manage_page(client, secretary, public_meeting):
    item = actions.add_agenda_item(
        public_meeting, by=secretary, title_en="Opening", duration_minutes=10
    )
    sign_in(client, secretary)
    url = f"/en/platform/meetings/{public_meeting.pk}/manage/"
    bad = client.post(
        url,
        {
            "form": "document",
            "agenda_item": item.pk,
            "title": "Script",
            "file": _upload("x.sh", b"rm"),
        },
    )
    assert bad.status_code == 200
    assert "This kind of file is not accepted." in bad.content.decode()
    assert 'value="Script"' in bad.content.decode()
    good = client.post(
        url,
        {
            "form": "document",
            "agenda_item": item.pk,
            "title": "Plan",
            "file": _upload("p.pdf", PDF),
        },
    )
    assert good.status_code == 302
    assert item.documents.get().title == "Plan"


def test_invitations_registration_and_attendance(client, personas, seats, secretary, platform):
    soon = meeting(platform, secretary, starts_at=NOW + timedelta(days=2))
    assert actions.invite_members(soon, by=secretary) == 4
    assert actions.invite_members(soon, by=secretary) == 0  # once
    sign_in(client, personas.staff)
    response = client.post(f"/en/platform/meetings/{soon.pk}/", {"action": "register"})
    assert response.status_code == 302
    mine = Participation.objects.get(meeting=soon, member=seats["staff"])
    assert mine.registered_at == NOW and mine.invited_at == NOW
    page = client.get(f"/en/platform/meetings/{soon.pk}/")
    assert 'data-registered="yes"' in page.content.decode()
    client.logout()
    # Someone without a seat cannot register.
    sign_in(client, personas.resident)
    refused = client.post(f"/en/platform/meetings/{soon.pk}/", {"action": "register"})
    assert refused.status_code == 403
    with pytest.raises(actions.ConsultationError):
        actions.record_attendance(soon, by=secretary, present=[seats["staff"].pk])
    with time_machine.travel(soon.starts_at + timedelta(minutes=5), tick=False):
        with pytest.raises(actions.ConsultationError):
            actions.register(soon, user=personas.police)
        actions.record_attendance(
            soon, by=secretary, present=[seats["staff"].pk, seats["police"].pk]
        )
    present = set(soon.participations.filter(attended=True).values_list("member", flat=True))
    assert present == {seats["staff"].pk, seats["police"].pk}
    assert soon.participations.filter(attended=False).count() == 2


def test_a_member_can_cancel_a_registration(client, personas, seats, public_meeting):
    actions.register(public_meeting, user=personas.police)
    assert actions.cancel_registration(public_meeting, user=personas.police)
    assert Participation.objects.get(meeting=public_meeting).registered_at is None


def test_the_overview_links_to_the_tracker_the_rules_and_the_table(client, public_meeting):
    response = client.get("/nl/platform/")
    html = response.content.decode()
    assert 'href="/nl/platform/recommendations/"' in html
    assert 'href="/nl/platform/rules/"' in html
    assert 'href="/nl/platform/members/"' in html
    assert "Het gewestelijk overlegplatform" in html
    assert "Open plenary (nl)" in html


def test_odd_posts_answer_4xx_not_500(client, personas, seats, secretary, public_meeting):
    sign_in(client, secretary)
    manage = f"/en/platform/meetings/{public_meeting.pk}/manage/"
    assert client.post(manage, {"form": "nonsense"}).status_code == 400
    assert client.post(manage, {}).status_code == 400
    bad_parent = client.post(
        manage, {"form": "agenda", "title_en": "x", "duration_minutes": "10", "parent": "999"}
    )
    assert bad_parent.status_code == 200
    assert "Select a valid choice." in bad_parent.content.decode()
    too_long = client.post(
        manage, {"form": "agenda", "title_en": "x", "duration_minutes": "100000"}
    )
    assert too_long.status_code == 200
    assert "less than or equal to 600" in too_long.content.decode()
    # Minutes of a meeting that has not started: refused with a sentence, input kept.
    early = client.post(manage, {"form": "minutes", "text_en": "Early words"})
    assert early.status_code == 200
    assert "Minutes can be written once the meeting has started." in early.content.decode()
    detail = f"/en/platform/meetings/{public_meeting.pk}/"
    assert client.post(detail, {"action": "dance"}).status_code == 400
    client.logout()
    anonymous = client.post(detail, {"action": "register"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get("/en/platform/meetings/999999/").status_code == 404
    assert client.get("/en/platform/documents/999999/").status_code == 404


def test_attendance_only_of_members_of_the_body(personas, seats, secretary, public_meeting):
    with time_machine.travel(public_meeting.starts_at, tick=False):
        with pytest.raises(actions.ConsultationError):
            actions.record_attendance(public_meeting, by=secretary, present=[999999])


def test_a_meeting_is_named_by_its_brussels_date(platform, secretary):
    late = meeting(platform, secretary, starts_at=aware(2026, 12, 5, 0, 30), title="Late")
    assert str(late) == "Late (2026-12-05)"  # 23:30 UTC on the 4th


def test_invitations_are_e_mailed_once_after_the_commit(
    personas, seats, secretary, public_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    personas.staff.email = "staff@cpas.example"
    personas.staff.save()
    personas.police.email = "police@zone5344.example"
    personas.police.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert actions.invite_members(public_meeting, by=secretary) == 4
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == ["police@zone5344.example", "staff@cpas.example"]
    message = mailoutbox[0]
    assert len(message.to) == 1
    assert "Open plenary (nl)" in message.body and "Open plenary (fr)" in message.body
    assert f"/fr/platform/meetings/{public_meeting.pk}/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.invite_members(public_meeting, by=secretary) == 0
    assert len(mailoutbox) == 2

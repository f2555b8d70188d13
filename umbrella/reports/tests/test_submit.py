"""submit_report end to end: validation, location, privacy, photo, honeypot, rate limits."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image

from umbrella.reports import actions, queries
from umbrella.reports.actions.common import hash_code
from umbrella.reports.models import Report, ReportPhoto
from umbrella.reports.queries import distance_m
from umbrella.reports.tests.conftest import ANTWERP, SAINT_JOSSE, image_upload, submit

pytestmark = pytest.mark.django_db


def raw_column(report: Report, column: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM reports_report WHERE id = %s", [report.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_an_anonymous_report_gets_a_code_stored_only_as_its_digest(matrix):
    submitted = submit()
    report = submitted.report
    assert len(submitted.follow_up_code) >= 20
    assert report.follow_up_hash == hash_code(submitted.follow_up_code)
    assert submitted.follow_up_code not in str(Report.objects.filter(pk=report.pk).values().get())
    assert queries.report_for_code(submitted.follow_up_code) == report
    assert queries.report_for_code("not-a-code") is None
    assert report.reporter is None


def test_text_precise_point_and_email_are_encrypted_at_rest(matrix):
    report = submit(email="me@example.org").report
    assert "rubbish" not in raw_column(report, "description")
    assert "example.org" not in raw_column(report, "email")
    assert "50.853" not in raw_column(report, "precise_lat")
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.email == "me@example.org"
    assert fresh.description == "A pile of rubbish bags on the pavement."
    assert fresh.precise_lat == SAINT_JOSSE[0]


def test_the_public_point_is_rounded_to_about_fifty_metres(matrix):
    report = submit().report
    shift = distance_m(SAINT_JOSSE[0], SAINT_JOSSE[1], report.public_lat, report.public_lon)
    assert 0 < shift <= 35
    nearby = submit(lat=SAINT_JOSSE[0] + 0.00001, lon=SAINT_JOSSE[1] + 0.00001).report
    assert (nearby.public_lat, nearby.public_lon) == (report.public_lat, report.public_lon)
    location = queries.public_location(report)
    assert (location.lat, location.lon) == (report.public_lat, report.public_lon)
    assert location.municipality


def test_a_signed_in_reporter_is_linked(matrix):
    report = submit(user=matrix.people.resident).report
    assert report.reporter == matrix.people.resident
    assert list(queries.reports_of_reporter(matrix.people.resident)) == [report]


def test_a_point_outside_the_region_is_refused_naming_the_region(matrix):
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(lat=ANTWERP[0], lon=ANTWERP[1])
    assert "Brussels-Capital Region" in caught.value.errors["lat"][0]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "  "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"reporter_kind": "landlord"}, "reporter_kind"),
        ({"email": "not an address"}, "email"),
        ({"lat": float("nan")}, "lat"),
        ({"lat": None}, "lat"),
        ({"lat": 200.0}, "lat"),
    ],
)
def test_bad_input_gets_a_sentence_on_its_field(matrix, overrides, field):
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(**overrides)
    message = caught.value.errors[field][0]
    assert message.endswith(".") and len(message.split()) >= 4


def test_an_inactive_category_is_refused(matrix):
    litter = matrix.category("litter")
    litter.active = False
    litter.save()
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(category=litter)
    assert "category" in caught.value.errors


def test_errors_are_translated(matrix):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(actions.ReportInvalid) as caught:
        submit(lat=ANTWERP[0], lon=ANTWERP[1])
    assert "Région de Bruxelles-Capitale" in caught.value.errors["lat"][0]


def test_the_honeypot_refuses_and_stores_nothing(matrix):
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(honeypot="http://spam.example")
    assert caught.value.errors["__all__"]
    assert not Report.objects.exists()


@override_settings(REPORTS_PER_CLIENT_PER_HOUR=3, REPORTS_PER_CLIENT_PER_DAY=5)
def test_a_client_is_limited_per_hour_and_per_day(matrix):
    start = timezone.now().replace(hour=10, minute=0)
    for minute in range(3):
        submit(now=start + timedelta(minutes=minute))
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(now=start + timedelta(minutes=5))
    assert "__all__" in caught.value.errors
    # Another client is not affected.
    submit(client_key="another-client", now=start + timedelta(minutes=5))
    # An hour later the first client may report again, up to the daily limit.
    submit(now=start + timedelta(hours=1, minutes=1))
    submit(now=start + timedelta(hours=1, minutes=2))
    with pytest.raises(actions.ReportInvalid):
        submit(now=start + timedelta(hours=2, minutes=1))
    assert Report.objects.count() == 6


def test_the_rate_limit_key_never_holds_the_address(rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    key = actions.client_key_for(request)
    assert "203.0.113.7" not in key
    assert key == actions.client_key_for(request)
    tomorrow = timezone.now() + timedelta(days=1)
    assert actions.client_key_for(request, now=tomorrow) != key


def test_a_photo_is_re_encoded_without_metadata_and_resized(matrix):
    report = submit(photo=image_upload(size=(4000, 3000))).report
    photo = ReportPhoto.objects.get(report=report)
    image = Image.open(io.BytesIO(bytes(photo.data)))
    assert image.format == "JPEG"
    assert max(image.size) == 1600 and (photo.width, photo.height) == image.size
    assert not image.getexif()
    assert b"CameraMaker" not in bytes(photo.data)
    assert photo.public is False


def test_a_small_png_is_kept_at_its_size(matrix):
    report = submit(photo=image_upload("p.png", size=(300, 200), fmt="PNG")).report
    assert (report.photo.width, report.photo.height) == (300, 200)


def test_a_file_that_is_not_an_image_is_refused(matrix):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(photo=fake)
    assert "photo" in caught.value.errors
    assert not Report.objects.exists()


def test_a_photo_over_ten_megabytes_is_refused(matrix):
    big = SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(photo=big)
    assert "10 MB" in caught.value.errors["photo"][0]


def test_likely_duplicates_same_category_fifty_metres_seven_days(matrix):
    now = timezone.now()
    first = submit(now=now - timedelta(days=2)).report
    submit(code="noise", description="Loud music.", now=now - timedelta(days=1))
    old = submit(now=now - timedelta(days=8)).report
    lat, lon = SAINT_JOSSE[0] + 0.0002, SAINT_JOSSE[1]  # 22 m north
    found = queries.likely_duplicates(matrix.category("litter"), lat, lon, now)
    assert found == [first]
    assert old not in found
    far = queries.likely_duplicates(matrix.category("litter"), SAINT_JOSSE[0] + 0.0009, lon, now)
    assert far == []  # 100 m away

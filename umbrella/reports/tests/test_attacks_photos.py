"""Attacks through report photos (issue 15, finding 5): decompression bombs and floods.

The web process that decodes a report's photo also serves the panic API. A PNG
of a few hundred kilobytes can declare 88 megapixels; decoding it cost 1 GB
for 4 s. These tests build such files (small, never decoded here) and check
that they are refused from their header, before any decoding, with a clear
sentence in the reporter's language, and that every attempt is counted
against the client's rate limit before any work.
"""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image, ImageFile

from umbrella.reports import actions
from umbrella.reports.models import Report, ReportPhoto
from umbrella.reports.photos import MAX_PIXELS, PhotoInvalid, clean_photo
from umbrella.reports.tests.conftest import SAINT_JOSSE, image_upload, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("geography")]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int, height: int) -> bytes:
    """Return a valid all-black RGB PNG of ``width`` × ``height``: a few hundred KB at most."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)  # filter byte, then the pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def bomb() -> bytes:
    # 88 megapixels, as in the report: 10,000 × 8,800.
    return huge_png(10_000, 8_800)


def upload(data: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def decodes(monkeypatch) -> list[tuple[int, int]]:
    """Record the size of every image whose pixels are decoded."""
    seen: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def load(self):
        seen.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return seen


def test_the_bomb_is_small_and_declares_88_megapixels(bomb):
    assert len(bomb) < 400_000
    assert struct.unpack(">II", bomb[16:24]) == (10_000, 8_800)  # IHDR's width and height


def test_a_88_megapixel_png_is_refused_from_its_header_without_decoding(bomb, decodes):
    started = time.monotonic()
    with pytest.raises(PhotoInvalid) as caught:
        clean_photo(upload(bomb))
    assert time.monotonic() - started < 1.0
    assert "too large" in str(caught.value)
    assert decodes == []


def test_a_photo_just_over_the_limit_is_refused_and_says_its_size(decodes):
    # 6,000 × 5,000: 30 megapixels, under Pillow's own bomb error (twice its limit).
    with pytest.raises(PhotoInvalid) as caught:
        clean_photo(upload(huge_png(6_000, 5_000)))
    assert "30 million pixels" in str(caught.value)
    assert f"{MAX_PIXELS // 1_000_000} million" in str(caught.value)
    assert decodes == []


def test_pillows_own_limit_is_ours_once_a_photo_is_read():
    # Pillow is imported with the first photo (not at start); from then on its
    # own bomb check holds our limit for any code of the process.
    clean_photo(image_upload())
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS == 25_000_000


def test_a_large_jpeg_is_decoded_already_scaled_down(decodes):
    # 5,600 × 4,200 (23.5 megapixels, under the limit): draft mode decodes it at 1/2.
    photo = clean_photo(image_upload(size=(5_600, 4_200)))
    assert max(photo.width, photo.height) == 1600
    assert all(w * h <= 2_800 * 2_100 for w, h in decodes if w * h > 1600 * 1200)


def test_an_upright_photo_stays_upright_after_the_small_copy_is_turned():
    image = Image.new("RGB", (400, 200), (0, 0, 0))
    image.paste((255, 0, 0), (0, 0, 200, 200))  # the left half red
    tags = Image.Exif()
    tags[0x0112] = 6  # Orientation: turn 90° clockwise to view
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=tags.tobytes())
    photo = clean_photo(SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg"))
    assert (photo.width, photo.height) == (200, 400)
    with Image.open(io.BytesIO(photo.data)) as cleaned:
        red, green, _blue = cleaned.getpixel((100, 50))  # the top is the red half
        assert red > 200 and green < 60
        assert not cleaned.getexif().get(0x0112)


def test_the_report_action_refuses_the_bomb_with_a_photo_error(matrix, bomb, decodes):
    with pytest.raises(actions.ReportInvalid) as caught:
        submit(photo=upload(bomb))
    assert "too large" in caught.value.errors["photo"][0]
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()
    assert decodes == []


@override_settings(REPORTS_PER_CLIENT_PER_HOUR=2, REPORTS_PER_CLIENT_PER_DAY=30)
def test_every_attempt_counts_against_the_rate_limit_before_any_work(matrix, monkeypatch):
    cleaned = []
    real = actions.submit.clean_photo

    def spy(photo):
        cleaned.append(photo)
        return real(photo)

    monkeypatch.setattr(actions.submit, "clean_photo", spy)
    not_a_photo = SimpleUploadedFile("p.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    for _ in range(2):
        with pytest.raises(actions.ReportInvalid) as caught:
            submit(photo=not_a_photo)
        assert "photo" in caught.value.errors
    # The third attempt is refused before its photo is even looked at.
    with pytest.raises(actions.RateLimited):
        submit(photo=not_a_photo)
    assert len(cleaned) == 2


def _form(**fields) -> dict:
    data = {
        "category": "litter",
        "lat": str(SAINT_JOSSE[0]),
        "lon": str(SAINT_JOSSE[1]),
        "description": "Broken glass all over the pavement.",
        "reporter_kind": "sex_worker",
        "email": "",
        "website": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", "miljoen pixels"),
        ("fr", "millions de pixels"),
        ("ro", "milioane de pixeli"),
        ("bg", "милиона пиксела"),
        ("es", "millones de píxeles"),
        ("pt", "milhões de pixels"),
    ],
)
def test_the_report_form_answers_400_in_her_language(client, matrix, language, words):
    response = client.post(f"/{language}/reports/new/", _form(photo=upload(huge_png(6_000, 5_000))))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Report.objects.exists()


def test_open311_answers_400_with_the_sentence(client, matrix, bomb):
    response = client.post(
        "/open311/v2/requests.json?locale=fr",
        {"service_code": "litter", "lat": SAINT_JOSSE[0], "long": SAINT_JOSSE[1],
         "description": "Des bouteilles cassées partout.", "media": upload(bomb)},
    )  # fmt: skip
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and "pixels" in error["description"]

"""Report photos: images only, 10 MB and 25 megapixels at most, re-encoded without metadata.

Re-encoding the pixels into a new JPEG drops EXIF (with its GPS position and
camera serial), XMP, ICC and comments: nothing of the original file but its
picture is kept. The orientation tag is applied, so the photo is upright
without it; the result is 1600 px on its longer side at most.

The web process that decodes a photo also answers the panic API, so decoding
is bounded before it starts (issue 15): a PNG of 280 KB can declare 88
megapixels, and decoding it took the process from 170 MB to 1.1 GB for 4 s.
``Image.open`` reads only the header, so the declared size is checked first
and anything above ``MAX_PIXELS`` is refused without decoding; Pillow's own
bomb check (``Image.MAX_IMAGE_PIXELS``) is set to the same limit as a second
guard; a JPEG is decoded in draft mode, already scaled down by its decoder
(a 24-megapixel JPEG decodes at 1/2 or 1/4 of its size); and the picture is
made small before it is turned upright, so no full-size copy is made.
"""

from __future__ import annotations

import functools
import io
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from PIL import Image

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"})
# Above what a phone's camera takes by default (12 to 24 megapixels); at 4 bytes
# a pixel the largest accepted picture decodes into about 100 MB.
MAX_PIXELS = 25_000_000


@functools.cache
def _pillow() -> tuple[ModuleType, ModuleType, type[Exception]]:
    """Return Pillow's ``Image`` and ``ExifTags`` and its not-an-image error, set to our limit.

    Imported on the first photo, not at start: ~10 MB that a web process
    carries only once it decodes one (bench/alarm_latency.py measures the RSS).
    """
    from PIL import ExifTags, Image, UnidentifiedImageError

    # Pillow refuses, on its own, anything above twice this (DecompressionBombError)
    # and warns above it (turned into an error below): the same limit as ours, for
    # any other code of the process that opens an image.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image, ExifTags, UnidentifiedImageError


class PhotoInvalid(ValueError):
    """The upload is not an acceptable photo; the message is a translated sentence."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def _too_many_pixels(width: int, height: int) -> PhotoInvalid:
    return PhotoInvalid(
        _(
            "This photo is too large: %(megapixels)s million pixels. Choose a photo of at "
            "most %(limit)s million pixels, or take it again at a smaller size."
        )
        % {"megapixels": round(width * height / 1_000_000), "limit": MAX_PIXELS // 1_000_000}
    )


def read_upload(upload) -> bytes:
    """Return the bytes of an upload of at most ``MAX_BYTES``; raise ``PhotoInvalid`` if larger."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoInvalid(_("The photo is larger than 10 MB. Choose a smaller one."))
    upload.seek(0)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise PhotoInvalid(_("The photo is larger than 10 MB. Choose a smaller one."))
    return raw


def check_declared_size(raw: bytes) -> None:
    """Refuse an image whose header declares more than ``MAX_PIXELS``, without decoding it."""
    Image, _exif, UnidentifiedImageError = _pillow()
    not_an_image = _("This file is not a photo. Choose a JPEG, PNG or WebP image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise PhotoInvalid(not_an_image)
                width, height = probe.size
    except Image.DecompressionBombError as exc:
        # Pillow refuses at open when the header declares more than twice its limit.
        raise PhotoInvalid(
            _("This photo is too large. Choose a photo of at most %(limit)s million pixels.")
            % {"limit": MAX_PIXELS // 1_000_000}
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise PhotoInvalid(not_an_image) from exc
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(width, height)


def clean_photo(upload) -> CleanPhoto:
    """Return the cleaned JPEG of an uploaded file; raise ``PhotoInvalid`` for anything else."""
    raw = read_upload(upload)
    check_declared_size(raw)
    Image, ExifTags, UnidentifiedImageError = _pillow()
    not_an_image = _("This file is not a photo. Choose a JPEG, PNG or WebP image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(raw)) as image:
                image.seek(0)
                # JPEG only: the decoder scales by 1/2, 1/4 or 1/8 while it decodes.
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                orientation = image.getexif().get(ExifTags.Base.Orientation)
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                image = image.convert("RGB")
                if orientation:
                    image = _upright(image, orientation)
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True)
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        EOFError,
    ) as exc:
        raise PhotoInvalid(not_an_image) from exc
    return CleanPhoto(out.getvalue(), image.width, image.height)


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """Return the small picture turned as its EXIF orientation says (the tag itself is dropped)."""
    Image, _exif, _error = _pillow()
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image

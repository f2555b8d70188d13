"""Report photos: images only, 10 MB at most, re-encoded without metadata, 1600 px at most.

Re-encoding the pixels into a new JPEG drops EXIF (with its GPS position and
camera serial), XMP, ICC and comments: nothing of the original file but its
picture is kept. The orientation tag is applied first, so the photo is
upright without it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"})
# Larger than any phone camera (about 200 megapixels), well below what would
# exhaust memory when decoded.
MAX_PIXELS = 250_000_000


class PhotoInvalid(ValueError):
    """The upload is not an acceptable photo; the message is a translated sentence."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def clean_photo(upload) -> CleanPhoto:
    """Return the cleaned JPEG of an uploaded file; raise ``PhotoInvalid`` for anything else."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoInvalid(_("The photo is larger than 10 MB. Choose a smaller one."))
    upload.seek(0)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise PhotoInvalid(_("The photo is larger than 10 MB. Choose a smaller one."))
    not_an_image = _("This file is not a photo. Choose a JPEG, PNG or WebP image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise PhotoInvalid(not_an_image)
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoInvalid(not_an_image)
                probe.verify()
            with Image.open(io.BytesIO(raw)) as image:
                image.seek(0)
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True)
    except PhotoInvalid:
        raise
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

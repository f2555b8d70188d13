"""What an uploaded agenda document must be: an allowed type whose first bytes match its
name (text in UTF-8), not empty, at most 10 MB. ``attach_document`` checks every upload here.
"""

from __future__ import annotations

from pathlib import PurePath

from django.utils.translation import gettext as _

from umbrella.consultation.exceptions import ConsultationError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Extension → the first bytes a real file of that type starts with (None: plain text).
DOCUMENT_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04"),
    ".odp": ("application/vnd.oasis.opendocument.presentation", b"PK\x03\x04"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        b"PK\x03\x04",
    ),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".txt": ("text/plain; charset=utf-8", None),
    ".csv": ("text/csv; charset=utf-8", None),
}


def checked_upload(upload) -> tuple[str, str]:
    """Return ``(extension, content type)`` of an accepted upload, or refuse it."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise ConsultationError(
            _(
                "This kind of file is not accepted. Attach a PDF, an OpenDocument or Office "
                "document, a PNG or JPEG image, or a text or CSV file."
            ),
            "file",
        )
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ConsultationError(_("The file is larger than 10 MB."), "file")
    if upload.size == 0:
        raise ConsultationError(_("The file is empty."), "file")
    content_type, magic = DOCUMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ConsultationError(_("The file's content does not match its name."), "file")
    if magic is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # The 2048 bytes may cut a character in two: allow that one case.
            if error.start < len(head) - 3:
                raise ConsultationError(_("A text file must be in UTF-8."), "file") from error
    return extension, content_type

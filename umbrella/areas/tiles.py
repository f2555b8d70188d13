"""The self-hosted base map: a PMTiles archive served by the app, in byte ranges.

A deployer drops an extract of the region at ``settings.PMTILES_PATH``
(``var/tiles/brussels.pmtiles`` by default; docs/areas.md says how to build
one); the maps then draw streets and names from it with protomaps-leaflet,
and every request stays on this site. While the file is absent the pages do
not mention it and nothing asks for it.

A PMTiles reader fetches a 16 KiB header first, then directories and tiles,
each an HTTP ``Range`` request. This view answers one range with ``206`` and
``Content-Range``, a range past the end with ``416``, a request without a
usable range with the whole file (``200``), and HEAD with the headers alone
(``umbrella.core.head``). Large bodies are streamed in chunks, as an async
iterator under ASGI so that no worker thread holds a whole archive.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import http_date
from django.views.decorators.http import require_GET

CONTENT_TYPE = "application/vnd.pmtiles"
# Bodies up to this size are read at once; larger ones are streamed in chunks of it.
CHUNK = 256 * 1024
# A deployer may replace the file; the ETag makes revalidation cheap.
MAX_AGE_SECONDS = 3600
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def archive_path() -> Path | None:
    """Return the configured archive when it is a readable file, else ``None``."""
    path = Path(settings.PMTILES_PATH)
    return path if path.is_file() and os.access(path, os.R_OK) else None


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """Return ``(first, last)`` (inclusive) for one satisfiable byte range.

    ``None`` means "no usable range" (absent, malformed, or several ranges:
    the whole file is sent, RFC 9110 §14.2 allows ignoring Range); ``False``
    means the range cannot be satisfied (416).
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        # The last N bytes.
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    return start, min(int(last), size - 1) if last else size - 1


def _chunks(path: Path, start: int, length: int):
    with path.open("rb") as archive:
        archive.seek(start)
        while length > 0:
            block = archive.read(min(CHUNK, length))
            if not block:
                return
            length -= len(block)
            yield block


async def _async_chunks(path: Path, start: int, length: int):
    # Each read runs in a thread: the event loop never waits on the disk.
    archive = await asyncio.to_thread(path.open, "rb")
    try:
        await asyncio.to_thread(archive.seek, start)
        while length > 0:
            block = await asyncio.to_thread(archive.read, min(CHUNK, length))
            if not block:
                return
            length -= len(block)
            yield block
    finally:
        await asyncio.to_thread(archive.close)


def _body(
    request, path: Path, start: int, length: int, status: int
) -> HttpResponse | StreamingHttpResponse:
    response: HttpResponse | StreamingHttpResponse
    if length <= CHUNK:
        with path.open("rb") as archive:
            archive.seek(start)
            response = HttpResponse(archive.read(length), status=status)
    else:
        chunks = (
            _async_chunks(path, start, length)
            if isinstance(request, ASGIRequest)
            else _chunks(path, start, length)
        )
        response = StreamingHttpResponse(chunks, status=status)
        response["Content-Length"] = str(length)
    return response


@require_GET
def base_map(request):
    """Serve the PMTiles archive, whole or in one byte range."""
    path = archive_path()
    if path is None:
        raise Http404("No base map is installed.")
    stat = path.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": http_date(stat.st_mtime),
        "Cache-Control": f"public, max-age={MAX_AGE_SECONDS}",
    }
    wanted = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and (if_range is None or if_range == etag):
        wanted = parse_range(request.headers["Range"], size)
    if wanted is None and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    elif wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = _body(request, path, 0, size, 200)
    else:
        first, last = wanted
        response = _body(request, path, first, last - first + 1, 206)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    for name, value in headers.items():
        response[name] = value
    if response.status_code in (200, 206):
        response["Content-Type"] = CONTENT_TYPE
    return response

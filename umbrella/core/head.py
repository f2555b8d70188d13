"""HEAD answered wherever GET is: pages, the JSON API, Open311.

A HEAD request runs the GET view and is sent without the body (RFC 9110
§9.3.2: the same headers as GET, Content-Length included). One middleware
instead of a HEAD route per view: django-ninja routes and ``require_GET``
views would otherwise answer 405, and a monitoring probe or a link checker
uses HEAD.
"""

from __future__ import annotations

from umbrella.core.middleware import InlineMiddleware


class HeadAsGetMiddleware(InlineMiddleware):
    def before(self, request):
        request.head_as_get = request.method == "HEAD"
        if request.head_as_get:
            request.method = "GET"
        return None

    def after(self, request, response):
        return _answer(response, request.head_as_get)


async def _nothing():
    return
    yield  # an empty async iterator


def _answer(response, head: bool):
    if response.status_code == 405 and response.get("Allow"):
        response["Allow"] = with_head(response["Allow"])
    if not head:
        return response
    if response.streaming:
        # A stream (server-sent events) never ends: send its headers only.
        response.streaming_content = _nothing() if response.is_async else iter(())
        return response
    length = len(response.content)
    response.content = b""
    response["Content-Length"] = str(length)
    return response


def with_head(allow: str) -> str:
    """Return an ``Allow`` header value that names HEAD wherever it names GET."""
    methods = [m.strip() for m in allow.split(",") if m.strip()]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return ", ".join(methods)

"""HEAD answered wherever GET is: pages, the JSON API, Open311.

A HEAD request runs the GET view and is sent without the body (RFC 9110
§9.3.2: the same headers as GET, Content-Length included). One middleware
instead of a HEAD route per view: django-ninja routes and ``require_GET``
views would otherwise answer 405, and a monitoring probe or a link checker
uses HEAD.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class HeadAsGetMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self._is_async = iscoroutinefunction(get_response)
        if self._is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self._is_async:
            return self.__acall__(request)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        return _answer(self.get_response(request), head)

    async def __acall__(self, request):
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        return _answer(await self.get_response(request), head)


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

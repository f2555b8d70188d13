"""The project's middleware: one inline base, response headers that keep every page
first-party and private, and the site's 405 page."""

from urllib.parse import urlparse

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings

PERMISSIONS_POLICY = "camera=(), microphone=(), interest-cohort=()"


def _tile_origin() -> str:
    if not settings.TILE_URL:
        return ""
    parts = urlparse(settings.TILE_URL.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}"


class InlineMiddleware:
    """A middleware that looks at the request before the view (``before``: a response
    answers at once) and at the response after it (``after``), inline under ASGI and
    WSGI alike.

    Async under ASGI: no thread per request for a header or two (Django's
    ``MiddlewareMixin`` runs its hooks through ``sync_to_async``). The hooks are
    plain functions: they must not block.
    """

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
        answer = self.before(request)
        if answer is not None:
            return answer
        return self.after(request, self.get_response(request))

    async def __acall__(self, request):
        answer = self.before(request)
        if answer is not None:
            return answer
        return self.after(request, await self.get_response(request))

    def before(self, request):
        return None

    def after(self, request, response):
        return response


class SecurityHeadersMiddleware(InlineMiddleware):
    """Add a Content-Security-Policy that allows only this site.

    The policy is the enforcement behind "no third-party requests": even a
    template mistake cannot load a font, script or tile from elsewhere. An
    operator-configured tile server is the only exception.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.policy = content_security_policy()

    def after(self, request, response):
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def content_security_policy() -> str:
    tiles = _tile_origin()
    img = "'self' data: blob:" + (f" {tiles}" if tiles else "")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Leaflet positions map panes with inline styles.
            "style-src 'self' 'unsafe-inline'",
            f"img-src {img}",
            "font-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def security_headers() -> list[tuple[bytes, bytes]]:
    """Return the headers this middleware and Django's add, for responses served
    outside the middleware chain (the alarm stream's ASGI app)."""
    headers = {
        "Content-Security-Policy": content_security_policy(),
        "Permissions-Policy": PERMISSIONS_POLICY,
        "X-Frame-Options": settings.X_FRAME_OPTIONS,
    }
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if settings.SECURE_REFERRER_POLICY:
        headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]


class MethodNotAllowedPageMiddleware(InlineMiddleware):
    """Answer a page's bare 405 (``require_POST``, ``require_http_methods``) with the
    site's 405 page, in the page's language; the API's 405s are JSON (api/errors.py)."""

    def after(self, request, response):
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        from umbrella.core.views import method_not_allowed

        return method_not_allowed(request, response.get("Allow", ""))

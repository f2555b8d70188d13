"""Response headers that keep every page first-party and private."""

from urllib.parse import urlparse

from django.conf import settings


def _tile_origin() -> str:
    if not settings.TILE_URL:
        return ""
    parts = urlparse(settings.TILE_URL.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}"


class SecurityHeadersMiddleware:
    """Add a Content-Security-Policy that allows only this site.

    The policy is the enforcement behind "no third-party requests": even a
    template mistake cannot load a font, script or tile from elsewhere. An
    operator-configured tile server is the only exception.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        tiles = _tile_origin()
        img = "'self' data: blob:" + (f" {tiles}" if tiles else "")
        self.policy = "; ".join(
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

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), interest-cohort=()")
        return response

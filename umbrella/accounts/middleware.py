"""Staff accounts must pass two-step verification before they see any page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

# Views a person who still has to verify may reach: to verify, to set up
# verification, to leave, or to change the language of those pages.
ALLOWED_VIEWS = frozenset(
    {
        "accounts:two_step",
        "accounts:totp_setup",
        # A provider that asserts strong authentication verifies the session.
        "accounts:staff_login",
        "accounts:oidc_start",
        "oidc-callback",
        "accounts:logout",
        "admin:logout",
        "set_language",
    }
)


def _allowed_prefixes() -> tuple[str, ...]:
    # The API authenticates with bearer tokens (and asks staff for a TOTP code
    # when it issues one); health checks and assets carry nothing personal.
    prefixes = ["/api/", "/healthz", "/i18n/", settings.STATIC_URL, settings.MEDIA_URL]
    return tuple(p for p in prefixes if p)


class StaffTwoFactorMiddleware:
    """Redirect unverified staff to the one two-step code page, device or none.

    Runs after django-otp's ``OTPMiddleware``, which provides
    ``request.user.is_verified()``. Uses ``process_view`` so that the resolved
    view name, not a language-prefixed path, decides what stays reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed_prefixes = _allowed_prefixes()

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.allowed_prefixes):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or not user.requires_two_factor():
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return None
        # One page whatever the account's two-step state: where it sends them
        # must not tell whether an authenticator is set up (docs/accounts.md).
        return redirect_to_login(request.get_full_path(), reverse("accounts:two_step"), "next")

"""Account pages: sign up, sign in, recovery, the role's home, the account page and API tokens.

Also the two-step verification (TOTP) pages: the one code page after a staff
password, and set-up; and staff sign-in through the region's OpenID Connect
provider (``oidc.py``, ``provider.py``).
"""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from umbrella.accounts import actions, enrolment, menu, provider, ratelimits
from umbrella.accounts.forms import (
    ConfirmPassphraseForm,
    OtpForm,
    RecoverForm,
    SignInForm,
    SignUpForm,
    SignUpPage,
    TokenCreateForm,
    TwoStepCodeForm,
)
from umbrella.accounts.models import ApiToken, Role, User
from umbrella.core import ratelimit

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# The enrolment code she entered, spent when her authenticator is confirmed.
ENROLMENT_SESSION_KEY = "accounts_enrolment_code"
# One answer to every wrong code, an authenticator's or an enrolment code.
WRONG_CODE = gettext_lazy(
    "That code is not right, was used already or has expired. Enter the code your "
    "authenticator app shows now, or ask an administrator of the platform for a new "
    "enrolment code."
)


def ratelimited(request, exception=None):
    """Answer 429 with a page that says what happened and what to do."""
    return render(request, "accounts/ratelimited.html", status=429)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def home(request):
    """Show the home of the person's roles: her links first, and for a worker her open alarms."""
    user = request.user
    context = {"sections": menu.sections_for(user, counts=True), **menu.home_extras(user)}
    return render(request, "accounts/home.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def account(request):
    """Show who the person is to Umbrella and how she signs in."""
    user = request.user
    context = {
        "role_label": user.get_role_display(),
        "memberships": user.memberships.select_related("organisation"),
        "requires_two_factor": user.requires_two_factor(),
        "has_totp": user.has_confirmed_totp(),
        "is_verified": user.is_verified() if hasattr(user, "is_verified") else False,
        "self_sign_up": not user.is_staff_role(),
        "unused_code_count": actions.unused_recovery_code_count(user),
        # The installable panic page is hers: she may disguise it on her phone.
        "installs_panic_app": user.role == Role.SEX_WORKER,
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def advanced(request):
    """Show the technical settings (API tokens, two-step verification) out of everyday sight."""
    user = request.user
    active_tokens = user.api_tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    context = {
        "active_token_count": active_tokens.count(),
        "requires_two_factor": user.requires_two_factor(),
        "has_totp": user.has_confirmed_totp(),
    }
    return render(request, "accounts/advanced.html", context)


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class SignInView(auth_views.LoginView):
    """Sign in with a name and passphrase; failures are limited per name and per IP."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    rate_scope = "login"

    def post(self, request, *args, **kwargs):
        if ratelimits.is_locked(request, self.rate_scope, request.POST.get("username", "")):
            return ratelimited(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimits.record_failure(
            self.request, self.rate_scope, self.request.POST.get("username", "")
        )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        # Only a link to a page of its own: this page never offers an identifying sign-in.
        return super().get_context_data(staff_sign_in=settings.OIDC_ENABLED, **kwargs)


SIGN_UP_PAGES: dict[str, SignUpPage] = {
    Role.SEX_WORKER: {
        "heading": gettext_lazy("Create a private account"),
        "action": actions.sign_up_sex_worker,
    },
    Role.RESIDENT: {
        "heading": gettext_lazy("Create an account as a resident or merchant"),
        "action": actions.sign_up_resident,
    },
}


def _signup_locked(request, increment: bool) -> bool:
    client = ratelimit.client_key(request, "accounts.signup")
    return ratelimit.over(
        request, "accounts.signup.client", client, settings.SIGNUP_RATE, increment=increment
    )


@never_cache
@sensitive_post_parameters("passphrase", "passphrase_again")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request, role: str = Role.SEX_WORKER):
    """Create a pseudonymous account from a chosen name and a passphrase, nothing else."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    page = SIGN_UP_PAGES[role]
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if _signup_locked(request, increment=False):
            return ratelimited(request)
        if form.is_valid():
            try:
                user, codes = page["action"](
                    form.cleaned_data["chosen_name"], form.cleaned_data["passphrase"]
                )
            except IntegrityError:
                # Someone took the name between validation and saving.
                form.add_error("chosen_name", _("That name is already taken. Choose another one."))
            else:
                _signup_locked(request, increment=True)
                auth_login(request, user, backend=MODEL_BACKEND)
                return render(
                    request, "accounts/recovery_codes.html", {"codes": codes, "new_account": True}
                )
    context = {"form": form, "heading": page["heading"], "role": role}
    return render(request, "accounts/signup.html", context)


@never_cache
@sensitive_post_parameters("code", "passphrase", "passphrase_again")
@require_http_methods(["GET", "HEAD", "POST"])
def recover(request):
    """Set a new passphrase with the chosen name and one unused recovery code."""
    form = RecoverForm(request.POST or None)
    if request.method == "POST":
        name = request.POST.get("chosen_name", "")
        if ratelimits.is_locked(request, "recover", name):
            return ratelimited(request)
        if form.is_valid():
            user = _find_person(form.cleaned_data["chosen_name"])
            recovered = user is not None and actions.recover_account(
                user, form.cleaned_data["code"], form.cleaned_data["passphrase"], timezone.now()
            )
            if recovered:
                auth_login(request, user, backend=MODEL_BACKEND)
                messages.success(request, _("Your new passphrase is set. You are signed in."))
                return redirect("accounts:home")
            ratelimits.record_failure(request, "recover", name)
            form.add_error(
                None,
                _("That name and recovery code do not match. Check both and try again."),
            )
    return render(request, "accounts/recover.html", {"form": form})


def _find_person(name: str) -> User | None:
    try:
        user = User.objects.get_by_natural_key(name)
    except User.DoesNotExist:
        return None
    return user if user.is_active else None


@login_required
@never_cache
@sensitive_post_parameters("passphrase")
@require_http_methods(["GET", "HEAD", "POST"])
def regenerate_codes(request):
    """Replace the recovery codes after the person confirms their passphrase."""
    form = ConfirmPassphraseForm(request.user, request.POST or None)
    if request.method == "POST":
        if ratelimits.is_locked(request, "confirm", request.user.username):
            return ratelimited(request)
        if form.is_valid():
            old_key = request.session.session_key
            codes = actions.regenerate_recovery_codes(request.user, timezone.now(), keep=(old_key,))
            _keep_this_session(request, old_key)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "new_account": False}
            )
        ratelimits.record_failure(request, "confirm", request.user.username)
    return render(request, "accounts/regenerate_codes.html", {"form": form})


class PassphraseChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/passphrase_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        request = self.request
        old_key = request.session.session_key
        actions.change_passphrase(
            request.user, form.cleaned_data["new_password1"], timezone.now(), keep=(old_key,)
        )
        messages.success(request, _("Your passphrase is changed."))
        _keep_this_session(request, old_key)
        return redirect(self.get_success_url())


def _keep_this_session(request, old_key: str | None) -> None:
    """Keep the session she is using after every other one was ended, and tell her.

    ``update_session_auth_hash`` signs the session with the new auth hash
    (and gives it a new key, which is remembered in place of the old one).
    """
    user = request.user
    user.refresh_from_db(fields=["password", "session_epoch"])
    update_session_auth_hash(request, user)
    actions.remember_session(user, request.session.session_key, timezone.now())
    if old_key != request.session.session_key:
        actions.forget_session(user, old_key)
    actions.show_sign_out_notices(request, user)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request):
    """List the person's API tokens and create one; a new token is shown only once."""
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = actions.issue_token(
            request.user, timezone.now(), name=form.cleaned_data["name"]
        )
        form = TokenCreateForm()
    now = timezone.now()
    rows = [
        {"token": token, "valid": token.is_valid(now), "expired": token.is_expired(now)}
        for token in request.user.api_tokens.all()
    ]
    context = {"form": form, "rows": rows, "new_token": new_token}
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.revoke_token(token, timezone.now())
    messages.success(
        request, _("The token starting with %(prefix)s is revoked.") % {"prefix": token.prefix}
    )
    return redirect("accounts:tokens")


# --- Two-step verification (TOTP) -----------------------------------------


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("accounts:home")


def _qr_svg(config_url: str) -> str:
    # Drawn on the server as inline SVG: no script, no request to anyone else.
    # Imported here: segno costs every web process ~12 MB, for a page seen
    # once per staff member.
    import segno

    svg = segno.make(config_url, error="m").svg_inline(
        scale=5, light="#fff", title=_("QR code to scan with your authenticator app")
    )
    return mark_safe(svg)  # noqa: S308 -- segno's own markup; the title is escaped by segno.


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def two_step(request):
    """The one code page after a staff password: the authenticator's code or an enrolment code.

    Whether the account has an authenticator or not, this is the same page
    (address, title, field, wording) with the same answer to a wrong code:
    with the password alone nobody learns which accounts still wait for an
    authenticator. Only a correct enrolment code leads on to set-up.
    """
    user = request.user
    next_url = _next_url(request)
    if not user.requires_two_factor() or user.is_verified():
        return redirect(next_url)
    form = TwoStepCodeForm(request.POST or None)
    if request.method == "POST":
        if ratelimits.is_locked(request, "totp", str(user.pk)):
            return ratelimited(request)
        if form.is_valid():
            code = form.cleaned_data["code"]
            device = _authenticator_accepts(user, code)
            if device is not None:
                otp_login(request, device)
                return redirect(next_url)
            found = enrolment.usable_code(user, code, timezone.now())
            if found is not None:
                request.session[ENROLMENT_SESSION_KEY] = found.pk
                return redirect(f"{reverse('accounts:totp_setup')}?{urlencode({'next': next_url})}")
            ratelimits.record_failure(request, "totp", str(user.pk))
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/two_step.html", {"form": form, "next": next_url})


def _authenticator_accepts(user, code: str):
    """Return the confirmed device that accepts ``code`` (digits only), or ``None``.

    An account without an authenticator simply has no device to accept it.
    """
    digits = code.replace(" ", "")
    if not (digits.isdigit() and 6 <= len(digits) <= 8):
        return None
    return actions.verify_totp(user, digits)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def totp_setup(request):
    """After a correct enrolment code: show a QR code and the secret, confirm with one code.

    Without a usable enrolment code in the session every account is sent to
    the one code page, whatever its two-step state. Confirming spends the
    enrolment code and replaces any earlier authenticator (a lost phone's).
    """
    user = request.user
    next_url = _next_url(request)
    if not user.requires_two_factor():
        messages.info(request, _("Your account does not use two-step verification."))
        return redirect("accounts:home")
    now = timezone.now()
    code_id = request.session.get(ENROLMENT_SESSION_KEY)
    if not enrolment.is_usable_id(user, code_id, now):
        return redirect_to_login(next_url, reverse("accounts:two_step"), "next")
    form = OtpForm(request.POST or None)
    if request.method == "POST":
        if ratelimits.is_locked(request, "totp", str(user.pk)):
            return ratelimited(request)
        if form.is_valid():
            device = enrolment.enrol(user, code_id, form.cleaned_data["code"], now)
            if device is not None:
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                otp_login(request, device)
                messages.success(request, _("Two-step verification is set up."))
                return redirect(next_url)
            ratelimits.record_failure(request, "totp", str(user.pk))
            form.add_error(
                "code",
                _(
                    "That code is not right. Check that the time on your phone is correct "
                    "and enter the code that shows now."
                ),
            )
    device = actions.start_totp_setup(user)
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped(b32encode(device.bin_key).decode()),
        "next": next_url,
    }
    return render(request, "accounts/totp_setup.html", context)


# --- Staff sign-in through the region's OpenID Connect provider ------------

# The language she started in, for the callback (outside the language prefix).
OIDC_LANGUAGE_KEY = "accounts_oidc_language"


def _oidc_refused(request, reason: provider.Refusal, detail: str = ""):
    status, message = provider.answer(reason, detail)
    context = {"message": message, "retry": reason != provider.Refusal.STAFF_ONLY}
    return render(request, "accounts/staff_login_refused.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def staff_login(request):
    """The staff sign-in page, apart from the sign-in page sex workers use."""
    if not settings.OIDC_ENABLED:
        raise Http404
    context = {"provider_name": settings.OIDC_PROVIDER_NAME, "next": _next_url(request)}
    return render(request, "accounts/staff_login.html", context)


class StaffSignInStartView(OIDCAuthenticationRequestView):
    """Send her to the provider with a new state, nonce and PKCE challenge."""

    def __init__(self, **kwargs):
        # The library reads the endpoint here; it may come from discovery.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.provider()["authorization_endpoint"]
        except provider.SignInRefused as refused:
            return _oidc_refused(request, refused.reason)
        request.session[OIDC_LANGUAGE_KEY] = get_language()
        return super().get(request)

    def get_extra_params(self, request):
        return {"acr_values": settings.OIDC_ACR_VALUES} if settings.OIDC_ACR_VALUES else {}


class StaffSignInCallbackView(OIDCAuthenticationCallbackView):
    """Take the provider's answer: sign the linked staff member in, or say why not."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        translation.activate(request.session.get(OIDC_LANGUAGE_KEY) or get_language())
        if request.GET.get("error"):
            # Not the library's answer, which signs out whoever is signed in:
            # anyone could send her a link to this address.
            request.session.get("oidc_states", {}).pop(request.GET.get("state"), None)
            request.session.modified = True
            return _oidc_refused(request, provider.Refusal.CANCELLED)
        try:
            return super().get(request)
        except provider.SignInRefused as refused:
            return _oidc_refused(request, refused.reason)
        except SuspiciousOperation as exc:  # state, nonce, signature, issuer, audience, expiry
            return _oidc_refused(request, provider.Refusal.INVALID, str(exc))

    def login_failure(self):
        return _oidc_refused(self.request, provider.Refusal.INVALID)

    def login_success(self):
        response = super().login_success()
        if self.user.strong_authentication:
            otp_login(self.request, self.user.provider_identity)
        return response

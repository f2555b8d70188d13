"""Two-step verification (TOTP) pages: the one code page after a staff password, and set-up."""

from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from umbrella.accounts import actions, enrolment, ratelimits
from umbrella.accounts.forms import OtpForm, TwoStepCodeForm
from umbrella.accounts.views import ratelimited

# The enrolment code she entered, spent when her authenticator is confirmed.
ENROLMENT_SESSION_KEY = "accounts_enrolment_code"
# One answer to every wrong code, an authenticator's or an enrolment code.
WRONG_CODE = gettext_lazy(
    "That code is not right, was used already or has expired. Enter the code your "
    "authenticator app shows now, or ask an administrator of the platform for a new "
    "enrolment code."
)


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

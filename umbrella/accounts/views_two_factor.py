"""Two-step verification (TOTP) pages: set up an authenticator app, verify a code."""

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
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from umbrella.accounts import actions, enrolment, ratelimits
from umbrella.accounts.forms import EnrolmentCodeForm, OtpForm
from umbrella.accounts.views import ratelimited

# The enrolment code she entered, spent when her authenticator is confirmed.
ENROLMENT_SESSION_KEY = "accounts_enrolment_code"


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
@require_http_methods(["GET", "HEAD", "POST"])
def totp_setup(request):
    """Show a QR code and the secret, then confirm the authenticator with one code."""
    user = request.user
    next_url = _next_url(request)
    if not user.requires_two_factor():
        messages.info(request, _("Your account does not use two-step verification."))
        return redirect("accounts:home")
    if user.has_confirmed_totp():
        return redirect_to_login(next_url, reverse("accounts:totp_verify"), "next")
    now = timezone.now()
    code_id = request.session.get(ENROLMENT_SESSION_KEY)
    if not enrolment.is_usable_id(user, code_id, now):
        return _enrolment_code_step(request, user, next_url, now)
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


def _enrolment_code_step(request, user, next_url: str, now):
    """Ask for the one-time enrolment code an administrator gave; nothing else is shown first."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST":
        if ratelimits.is_locked(request, "totp", str(user.pk)):
            return ratelimited(request)
        if form.is_valid():
            found = enrolment.usable_code(user, form.cleaned_data["enrolment_code"], now)
            if found is not None:
                request.session[ENROLMENT_SESSION_KEY] = found.pk
                return redirect(f"{reverse('accounts:totp_setup')}?{urlencode({'next': next_url})}")
            ratelimits.record_failure(request, "totp", str(user.pk))
            form.add_error(
                "enrolment_code",
                _(
                    "That enrolment code is not right, was used already or has expired. "
                    "Ask an administrator for a new one."
                ),
            )
    return render(request, "accounts/totp_enrolment_code.html", {"form": form, "next": next_url})


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def totp_verify(request):
    """Ask for a code from the authenticator app once per session."""
    user = request.user
    next_url = _next_url(request)
    if not user.requires_two_factor() or user.is_verified():
        return redirect(next_url)
    if not user.has_confirmed_totp():
        return redirect_to_login(next_url, reverse("accounts:totp_setup"), "next")
    form = OtpForm(request.POST or None)
    if request.method == "POST":
        if ratelimits.is_locked(request, "totp", str(user.pk)):
            return ratelimited(request)
        if form.is_valid():
            device = actions.verify_totp(user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                return redirect(next_url)
            ratelimits.record_failure(request, "totp", str(user.pk))
            form.add_error(
                "code",
                _("That code is not right. Enter the code that shows now in your app."),
            )
    return render(request, "accounts/totp_verify.html", {"form": form, "next": next_url})

"""The public certificate check: /<lang>/verify/ (a form to type the code) and
/<lang>/verify/<code> (the QR code of a certificate leads here).

Both answer the minimum, never the holder's name.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from umbrella.training import queries
from umbrella.training.forms_verify import VerifyForm
from umbrella.training.views_courses import content_language


def verify_form(request: HttpRequest) -> HttpResponse:
    """Offer the form; send a known code to its result, answer the form again otherwise.

    A malformed code answers 400 and a well-formed one that no valid
    certificate carries 404, each with the form and a sentence saying why.
    """
    if "code" not in request.GET:
        return render(request, "training/verify_form.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if _shown_certificate(code) is not None:
            return redirect("verify:certificate", code=code)
        form.add_error("code", _("No valid certificate has this code."))
        status = 404
    else:
        status = 400
    return render(request, "training/verify_form.html", {"form": form}, status=status)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public check of a certificate: valid or expired, the course, the dates; no name."""
    certificate = _shown_certificate(code)
    status = certificate.status_at(timezone.now()) if certificate is not None else None
    return render(
        request,
        "training/verify.html",
        {
            "certificate": certificate,
            "status": status,
            "code": code,
            "language": content_language(),
            # A wrong code scanned or typed: the form is right there to try again.
            "form": VerifyForm() if certificate is None else None,
        },
        status=200 if certificate is not None else 404,
    )


def _shown_certificate(code: str):
    """Return the certificate with this code unless it was withdrawn (it then is no longer one)."""
    certificate = queries.certificate_by_code(code)
    if certificate is None or certificate.status_at(timezone.now()) == "revoked":
        return None
    return certificate

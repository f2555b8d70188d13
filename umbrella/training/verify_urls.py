"""The public certificate check: /<lang>/verify/ (type a code) and /<lang>/verify/<code>
(the QR code of a certificate)."""

from django.urls import path

from umbrella.training import views_verify
from umbrella.training.http import allow, with_sentences

app_name = "verify"

urlpatterns = [
    path("", allow("GET", "HEAD")(views_verify.verify_form), name="form"),
    path("<str:code>", with_sentences(views_verify.verify), name="certificate"),
]

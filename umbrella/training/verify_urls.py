"""The public certificate check at /<lang>/verify/<code> (the QR code of a certificate)."""

from django.urls import path

from umbrella.training import views_courses
from umbrella.training.http import with_sentences

app_name = "verify"

urlpatterns = [
    path("<str:code>", with_sentences(views_courses.verify), name="certificate"),
]

"""The courses' addresses, in the ``training`` namespace (``training/urls.py``), and the
public certificate check's, in a namespace of its own, ``verify``, at /<lang>/verify/
(``umbrella/urls.py``)."""

from django.urls import path

from umbrella.training.courses import views
from umbrella.training.http import allow, with_sentences

urlpatterns = [
    path("", with_sentences(views.index), name="index"),
    path("join/", with_sentences(views.join), name="join"),
    path("invitations/<str:token>/", with_sentences(views.accept), name="accept"),
    path("coverage/", with_sentences(views.coverage), name="coverage"),
    path("organisations/<int:pk>/", with_sentences(views.organisation), name="organisation"),
    path(
        "organisations/<int:pk>/groups/<int:cohort>/",
        with_sentences(views.cohort),
        name="cohort",
    ),
    path(
        "certificates/<str:code>.pdf",
        with_sentences(views.certificate_download),
        name="certificate-pdf",
    ),
    path("courses/<slug:course>/", with_sentences(views.course_detail), name="course"),
    path(
        "courses/<slug:course>/<slug:module>/",
        with_sentences(views.module_detail),
        name="module",
    ),
    path(
        "courses/<slug:course>/<slug:module>/lessons/<slug:lesson>/",
        with_sentences(views.lesson_detail),
        name="lesson",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/",
        with_sentences(views.start_quiz),
        name="start-quiz",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/<int:attempt>/",
        with_sentences(views.attempt_detail),
        name="attempt",
    ),
]

# /<lang>/verify/ (type a code) and /<lang>/verify/<code> (the QR code of a certificate).
verify_urlpatterns = [
    path("", allow("GET", "HEAD")(views.verify_form), name="form"),
    path("<str:code>", with_sentences(views.verify), name="certificate"),
]

"""The courses' addresses, in the ``training`` namespace (``training/urls.py``), and the
public certificate check's, in a namespace of its own, ``verify``, at /<lang>/verify/
(``umbrella/urls.py``)."""

from django.urls import path
from django.views.decorators.http import require_safe

from umbrella.training.courses import views

urlpatterns = [
    path("", views.index, name="index"),
    path("join/", views.join, name="join"),
    path("invitations/<str:token>/", views.accept, name="accept"),
    path("coverage/", views.coverage, name="coverage"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path(
        "organisations/<int:pk>/groups/<int:cohort>/",
        views.cohort,
        name="cohort",
    ),
    path(
        "certificates/<str:code>.pdf",
        views.certificate_download,
        name="certificate-pdf",
    ),
    path("courses/<slug:course>/", views.course_detail, name="course"),
    path(
        "courses/<slug:course>/<slug:module>/",
        views.module_detail,
        name="module",
    ),
    path(
        "courses/<slug:course>/<slug:module>/lessons/<slug:lesson>/",
        views.lesson_detail,
        name="lesson",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/",
        views.start_quiz,
        name="start-quiz",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/<int:attempt>/",
        views.attempt_detail,
        name="attempt",
    ),
]

# /<lang>/verify/ (type a code) and /<lang>/verify/<code> (the QR code of a certificate).
verify_urlpatterns = [
    path("", require_safe(views.verify_form), name="form"),
    path("<str:code>", views.verify, name="certificate"),
]

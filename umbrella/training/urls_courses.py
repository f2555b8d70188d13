from django.urls import path

from umbrella.training import views_courses, views_enrolment
from umbrella.training.http import with_sentences

urlpatterns = [
    path("", with_sentences(views_courses.index), name="index"),
    path("join/", with_sentences(views_enrolment.join), name="join"),
    path("invitations/<str:token>/", with_sentences(views_enrolment.accept), name="accept"),
    path("coverage/", with_sentences(views_enrolment.coverage), name="coverage"),
    path(
        "organisations/<int:pk>/", with_sentences(views_enrolment.organisation), name="organisation"
    ),
    path(
        "organisations/<int:pk>/groups/<int:cohort>/",
        with_sentences(views_enrolment.cohort),
        name="cohort",
    ),
    path(
        "certificates/<str:code>.pdf",
        with_sentences(views_courses.certificate_download),
        name="certificate-pdf",
    ),
    path("courses/<slug:course>/", with_sentences(views_courses.course_detail), name="course"),
    path(
        "courses/<slug:course>/<slug:module>/",
        with_sentences(views_courses.module_detail),
        name="module",
    ),
    path(
        "courses/<slug:course>/<slug:module>/lessons/<slug:lesson>/",
        with_sentences(views_courses.lesson_detail),
        name="lesson",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/",
        with_sentences(views_courses.start_quiz),
        name="start-quiz",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/<int:attempt>/",
        with_sentences(views_courses.attempt_detail),
        name="attempt",
    ),
]

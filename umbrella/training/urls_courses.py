from django.urls import path

from umbrella.training import views_courses, views_enrolment

urlpatterns = [
    path("", views_courses.index, name="index"),
    path("join/", views_enrolment.join, name="join"),
    path("invitations/<str:token>/", views_enrolment.accept, name="accept"),
    path("coverage/", views_enrolment.coverage, name="coverage"),
    path("organisations/<int:pk>/", views_enrolment.organisation, name="organisation"),
    path(
        "organisations/<int:pk>/groups/<int:cohort>/",
        views_enrolment.cohort,
        name="cohort",
    ),
    path(
        "certificates/<str:code>.pdf",
        views_courses.certificate_download,
        name="certificate-pdf",
    ),
    path("courses/<slug:course>/", views_courses.course_detail, name="course"),
    path("courses/<slug:course>/<slug:module>/", views_courses.module_detail, name="module"),
    path(
        "courses/<slug:course>/<slug:module>/lessons/<slug:lesson>/",
        views_courses.lesson_detail,
        name="lesson",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/",
        views_courses.start_quiz,
        name="start-quiz",
    ),
    path(
        "courses/<slug:course>/<slug:module>/quiz/<int:attempt>/",
        views_courses.attempt_detail,
        name="attempt",
    ),
]

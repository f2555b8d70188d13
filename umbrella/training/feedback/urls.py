"""Sex workers' service feedback: its addresses, in the ``training`` namespace
(``training/urls.py``)."""

from django.urls import path

from umbrella.training.feedback import views

urlpatterns = [
    path("feedback/", views.choose, name="feedback_choose"),
    path(
        "feedback/service/<int:service_id>/",
        views.give,
        name="feedback_form",
    ),
    path("feedback/thanks/", views.thanks, name="feedback_thanks"),
    path(
        "feedback/moderation/",
        views.moderation,
        name="feedback_moderation",
    ),
    path(
        "feedback/organisation/",
        views.organisation,
        name="feedback_organisation",
    ),
]

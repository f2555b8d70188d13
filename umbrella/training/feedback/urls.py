"""Sex workers' service feedback: its addresses, in the ``training`` namespace
(``training/urls.py``)."""

from django.urls import path

from umbrella.training.feedback import views
from umbrella.training.http import with_sentences

urlpatterns = [
    path("feedback/", with_sentences(views.choose), name="feedback_choose"),
    path(
        "feedback/service/<int:service_id>/",
        with_sentences(views.give),
        name="feedback_form",
    ),
    path("feedback/thanks/", with_sentences(views.thanks), name="feedback_thanks"),
    path(
        "feedback/moderation/",
        with_sentences(views.moderation),
        name="feedback_moderation",
    ),
    path(
        "feedback/organisation/",
        with_sentences(views.organisation),
        name="feedback_organisation",
    ),
]

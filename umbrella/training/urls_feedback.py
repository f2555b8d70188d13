from django.urls import path

from umbrella.training import views_feedback
from umbrella.training.http import with_sentences

urlpatterns = [
    path("feedback/", with_sentences(views_feedback.choose), name="feedback_choose"),
    path(
        "feedback/service/<int:service_id>/",
        with_sentences(views_feedback.give),
        name="feedback_form",
    ),
    path("feedback/thanks/", with_sentences(views_feedback.thanks), name="feedback_thanks"),
    path(
        "feedback/moderation/",
        with_sentences(views_feedback.moderation),
        name="feedback_moderation",
    ),
    path(
        "feedback/organisation/",
        with_sentences(views_feedback.organisation),
        name="feedback_organisation",
    ),
]

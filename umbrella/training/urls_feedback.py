from django.urls import path

from umbrella.training import views_feedback

urlpatterns = [
    path("feedback/", views_feedback.choose, name="feedback_choose"),
    path("feedback/service/<int:service_id>/", views_feedback.give, name="feedback_form"),
    path("feedback/thanks/", views_feedback.thanks, name="feedback_thanks"),
    path("feedback/moderation/", views_feedback.moderation, name="feedback_moderation"),
    path("feedback/organisation/", views_feedback.organisation, name="feedback_organisation"),
]

from django.urls import path

from umbrella.consultation.following import views

# Included before the tracker's: "recommendations/following/" would otherwise be taken for
# the page of a recommendation whose short name is "following".
urlpatterns = [
    path(
        "recommendations/following/",
        views.recommendation_following,
        name="recommendations_following",
    ),
    path(
        "recommendations/e-mail/confirm/<str:token>/",
        views.recommendation_email_confirm,
        name="recommendation_email_confirm",
    ),
    path(
        "recommendations/e-mail/stop/<str:token>/",
        views.recommendation_unsubscribe,
        name="recommendation_unsubscribe",
    ),
    path(
        "recommendations/<str:key>/follow/",
        views.recommendation_follow,
        name="recommendation_follow",
    ),
    path(
        "recommendations/<str:key>/unfollow/",
        views.recommendation_unfollow,
        name="recommendation_unfollow",
    ),
    path(
        "recommendations/<str:key>/e-mail/",
        views.recommendation_email_follow,
        name="recommendation_email_follow",
    ),
]

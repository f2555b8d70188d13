from django.urls import path

from umbrella.consultation import views_tracker as views

urlpatterns = [
    path("recommendations/", views.recommendation_list, name="recommendations"),
    path("recommendations.csv", views.recommendations_csv, name="recommendations_csv"),
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
    path("recommendations/<str:key>/", views.recommendation_detail, name="recommendation"),
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
    path(
        "recommendations/<str:key>/comments/",
        views.recommendation_comment,
        name="recommendation_comment",
    ),
    path(
        "recommendations/<str:key>/update/",
        views.recommendation_update,
        name="recommendation_update",
    ),
    path(
        "recommendations/<str:key>/milestones/new/",
        views.recommendation_milestone,
        name="recommendation_milestone_new",
    ),
    path(
        "recommendations/<str:key>/milestones/<int:pk>/",
        views.recommendation_milestone,
        name="recommendation_milestone",
    ),
    path("rules/", views.rules_comparison, name="rules"),
    path("rules.csv", views.rules_csv, name="rules_csv"),
]

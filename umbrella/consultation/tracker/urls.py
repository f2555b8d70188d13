from django.urls import path

from umbrella.consultation.tracker import views

urlpatterns = [
    path("recommendations/", views.recommendation_list, name="recommendations"),
    path("recommendations.csv", views.recommendations_csv, name="recommendations_csv"),
    path("recommendations/<str:key>/", views.recommendation_detail, name="recommendation"),
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
]

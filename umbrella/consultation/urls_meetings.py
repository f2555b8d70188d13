from django.urls import path

from umbrella.consultation import views_meetings

urlpatterns = [
    path("", views_meetings.index, name="index"),
]

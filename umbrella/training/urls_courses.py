from django.urls import path

from umbrella.training import views_courses

urlpatterns = [
    path("", views_courses.index, name="index"),
]

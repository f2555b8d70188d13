from django.urls import path

from umbrella.consultation.members import views

urlpatterns = [
    path("members/", views.representation, name="representation"),
    path("members/new/", views.member_new, name="member_new"),
]

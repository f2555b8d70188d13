from django.urls import path

from umbrella.consultation.rules import views

urlpatterns = [
    path("rules/", views.rules_comparison, name="rules"),
    path("rules.csv", views.rules_csv, name="rules_csv"),
]

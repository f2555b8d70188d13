from django.urls import path

from umbrella.reports import views
from umbrella.reports.staff import views as staff

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_report, name="new"),
    path("new/duplicates/", views.duplicates, name="duplicates"),
    path("new/thanks/", views.thanks, name="thanks"),
    path("follow-up/<str:code>/", views.follow_up, name="follow_up"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.my_report, name="my_report"),
    path("staff/", staff.inbox, name="inbox"),
    path("staff/moderation/", staff.moderation, name="moderation"),
    path("staff/moderation/<int:pk>/release/", staff.release, name="release"),
    path("staff/moderation/<int:pk>/dismiss/", staff.dismiss, name="dismiss"),
    path("staff/<int:pk>/", staff.staff_report, name="staff_report"),
    path("staff/<int:pk>/photo/", staff.staff_photo, name="staff_photo"),
    path("staff/<int:pk>/photo/review/", staff.review_photo, name="review_photo"),
    path("bodies/", views.comparison, name="comparison"),
    path("bodies/<slug:slug>/", views.body, name="body"),
    # The public pages name a report by its random public id, never its number;
    # last, so that no word above ("mine", "staff") is taken for one.
    path("<slug:public_id>/", views.detail, name="detail"),
    path("<slug:public_id>/photo/", views.photo, name="photo"),
]

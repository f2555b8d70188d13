from django.urls import path

from umbrella.reports import views, views_bodies, views_follow_up, views_staff

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_report, name="new"),
    path("new/duplicates/", views.duplicates, name="duplicates"),
    path("new/thanks/", views.thanks, name="thanks"),
    path("follow-up/<str:code>/", views_follow_up.follow_up, name="follow_up"),
    path("mine/", views_follow_up.mine, name="mine"),
    path("mine/<int:pk>/", views_follow_up.my_report, name="my_report"),
    path("staff/", views_staff.inbox, name="inbox"),
    path("staff/moderation/", views_staff.moderation, name="moderation"),
    path("staff/moderation/<int:pk>/release/", views_staff.release, name="release"),
    path("staff/moderation/<int:pk>/dismiss/", views_staff.dismiss, name="dismiss"),
    path("staff/<int:pk>/", views_staff.staff_report, name="staff_report"),
    path("staff/<int:pk>/photo/", views_staff.staff_photo, name="staff_photo"),
    path("staff/<int:pk>/photo/review/", views_staff.review_photo, name="review_photo"),
    path("bodies/", views_bodies.comparison, name="comparison"),
    path("bodies/<slug:slug>/", views_bodies.body, name="body"),
    # The public pages name a report by its random public id, never its number;
    # last, so that no word above ("mine", "staff") is taken for one.
    path("<slug:public_id>/", views.detail, name="detail"),
    path("<slug:public_id>/photo/", views.photo, name="photo"),
]

from django.urls import path

from umbrella.consultation import views_meetings

urlpatterns = [
    path("", views_meetings.index, name="index"),
    path("members/", views_meetings.representation, name="representation"),
    path("members/new/", views_meetings.member_new, name="member_new"),
    path("meetings/", views_meetings.meeting_list, name="meetings"),
    path("meetings/new/", views_meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/manage/", views_meetings.meeting_manage, name="manage"),
    path("documents/<int:pk>/", views_meetings.document, name="document"),
    path("meetings.ics", views_meetings.public_feed, name="public_feed"),
    path("calendar/<str:token>.ics", views_meetings.member_feed, name="member_feed"),
    path("calendar/", views_meetings.my_feed, name="my_feed"),
]

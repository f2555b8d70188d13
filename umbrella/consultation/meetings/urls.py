from django.urls import path

from umbrella.consultation.meetings import views

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/manage/", views.meeting_manage, name="manage"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("meetings.ics", views.public_feed, name="public_feed"),
    path("calendar/<str:token>.ics", views.member_feed, name="member_feed"),
    path("calendar/", views.my_feed, name="my_feed"),
]

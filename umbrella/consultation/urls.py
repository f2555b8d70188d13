from umbrella.consultation import urls_meetings, urls_tracker

app_name = "consultation"

# One namespace, two halves: meetings and members (urls_meetings, with the
# overview at ``index``), the recommendations tracker and municipal rules (urls_tracker).
urlpatterns = urls_meetings.urlpatterns + urls_tracker.urlpatterns

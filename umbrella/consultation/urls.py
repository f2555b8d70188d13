from umbrella.consultation import urls_meetings, urls_tracker
from umbrella.consultation.refusals import explained

app_name = "consultation"

# One namespace, two halves: meetings and members (urls_meetings, with the
# overview at ``index``), the recommendations tracker and municipal rules (urls_tracker).
urlpatterns = urls_meetings.urlpatterns + urls_tracker.urlpatterns

# Every page answers a refusal (403) or a missing page (404) with a translated sentence.
for _pattern in urlpatterns:
    _pattern.callback = explained(_pattern.callback)

from umbrella.consultation.following import urls as following
from umbrella.consultation.meetings import urls as meetings
from umbrella.consultation.members import urls as members
from umbrella.consultation.refusals import explained
from umbrella.consultation.rules import urls as rules
from umbrella.consultation.tracker import urls as tracker

app_name = "consultation"

# One namespace, one part per concern: the overview (``index``) and meetings, members,
# following (before the tracker: see following/urls.py), the recommendations tracker,
# the municipal rules.
urlpatterns = (
    meetings.urlpatterns
    + members.urlpatterns
    + following.urlpatterns
    + tracker.urlpatterns
    + rules.urlpatterns
)

# Every page answers a bad request (400), a refusal (403) or a missing page (404) with
# its own translated sentence (refusals.py).
for _pattern in urlpatterns:
    _pattern.callback = explained(_pattern.callback)

from umbrella.consultation.following import urls as following
from umbrella.consultation.meetings import urls as meetings
from umbrella.consultation.members import urls as members
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

from umbrella.training.courses import urls as courses_urls
from umbrella.training.feedback import urls as feedback_urls

app_name = "training"

# One namespace, two halves: courses, quizzes, cohorts, certificates and coverage
# (courses/urls.py, with ``index``), and sex workers' service feedback (feedback/urls.py).
# The public certificate check has its own namespace, ``verify`` (courses/urls.py).
urlpatterns = courses_urls.urlpatterns + feedback_urls.urlpatterns

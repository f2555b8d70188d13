from umbrella.training import urls_courses, urls_feedback

app_name = "training"

# One namespace, two halves: courses, quizzes, cohorts, certificates and
# coverage (urls_courses, with ``index``), and sex workers' service feedback (urls_feedback).
urlpatterns = urls_courses.urlpatterns + urls_feedback.urlpatterns

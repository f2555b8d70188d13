"""Every model of the consultation platform, defined in its concern's ``models`` module.

Django finds the app's models here (app label ``consultation``): members,
meetings, the municipal rules, the recommendations tracker, and its followers
and notices. The imports keep the order in which the models have always been
registered (``apps.get_models()``), hence not sorted.
"""

# isort: off
from umbrella.consultation.members.models import *  # noqa: F403
from umbrella.consultation.meetings.models import *  # noqa: F403
from umbrella.consultation.rules.models import *  # noqa: F403
from umbrella.consultation.tracker.models import *  # noqa: F403
from umbrella.consultation.following.models import *  # noqa: F403
# isort: on

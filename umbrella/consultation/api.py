"""The consultation app's JSON API (mounted at /api/v1/ in umbrella/api/v1.py)."""

from ninja import Router

from umbrella.consultation.meetings.api import router as meetings_router
from umbrella.consultation.rules.api import router as rules_router
from umbrella.consultation.tracker.api import router as tracker_router

router = Router()
router.add_router("", meetings_router)
router.add_router("", tracker_router)
router.add_router("", rules_router)

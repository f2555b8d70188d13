"""The consultation app's JSON API (mounted at /api/v1/ in umbrella/api.py)."""

from ninja import Router

from umbrella.consultation.api_meetings import router as meetings_router
from umbrella.consultation.api_tracker import router as tracker_router

router = Router()
router.add_router("", meetings_router)
router.add_router("", tracker_router)

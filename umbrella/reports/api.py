"""The reports app's JSON API routes (mounted in umbrella/api/v1.py)."""

from ninja import Router

router = Router()

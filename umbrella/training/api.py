"""The training app's JSON API routes (mounted in umbrella/api.py)."""

from ninja import Router

router = Router()

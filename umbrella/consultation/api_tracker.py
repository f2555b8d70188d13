"""The consultation API: tracker."""

from ninja import Router

router = Router()

"""The JSON API under ``/api/v1/`` (django-ninja).

- ``v1``: the one versioned ``NinjaAPI`` instance, one router per app, and its
  error handlers;
- ``errors``: every error body's shape (``detail`` and ``errors``) and the
  middleware that gives Django's own 400/404/405/500 under ``/api/`` that shape;
- ``openapi``: what the generated OpenAPI document needs beyond ninja's.
"""

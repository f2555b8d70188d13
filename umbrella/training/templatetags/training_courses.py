"""Template filters of the course pages."""

from django import template

from umbrella.training.courses.actions import format_code

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """Return ``obj``'s translated ``field`` in the active language (or its fallback)."""
    return obj.translated(field)


@register.filter
def code_groups(code: str) -> str:
    """Return a certificate code in groups of four: ``ABCD-EFGH-…``."""
    return format_code(code)

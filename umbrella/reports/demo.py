"""The reports part of ``manage.py demo``, called by ``umbrella.accounts.demo.create_demo``
inside its transaction with the demo's result (users and organisations)."""

from __future__ import annotations


def set_up_reports_demo(result) -> None:
    """Create or reset the reports app's demo rows; safe to run again."""

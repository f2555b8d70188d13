"""The training part of ``manage.py demo``, called by ``umbrella.accounts.demo.create_demo``
inside its transaction with the demo's result (users and organisations)."""

from __future__ import annotations


def set_up_training_demo(result) -> None:
    """Create or reset the training app's demo rows; safe to run again."""

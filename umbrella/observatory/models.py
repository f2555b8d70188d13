"""The observatory's roll-up tables (docs/observatory.md)."""

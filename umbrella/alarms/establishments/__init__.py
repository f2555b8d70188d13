"""An establishment's alarm set-up: its pages (rooms, buttons, duty, compliance) and button API."""

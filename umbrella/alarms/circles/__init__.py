"""A sex worker's circle: its set-up page and API, and the invitations page."""

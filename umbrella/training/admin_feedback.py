"""Admin: service feedback and its moderation."""

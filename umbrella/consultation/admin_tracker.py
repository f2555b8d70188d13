"""Admin: recommendations, milestones, municipal rules."""

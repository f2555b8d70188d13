"""Admin: platform bodies, members, meetings, minutes, decisions."""

"""Staff pages of reports: a body's inbox, one report with its update form, moderation."""

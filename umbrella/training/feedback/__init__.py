"""Sex workers' anonymous feedback on services, and the directory's "trained" label."""

"""Infrastructure shared by every package: settings and database access."""

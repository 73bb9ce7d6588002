"""Reference knowledge for Laporin: complaint categories, geography."""

"""Reference knowledge for Laporin: categories, regions, service answers, MPPs, geography."""

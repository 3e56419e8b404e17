"""Open data: the read-only JSON API (/api/v1), CSV exports and Atom feeds of ideas."""

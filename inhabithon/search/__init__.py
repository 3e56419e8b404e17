"""Search across challenges, ideas and projects with the database's own full-text search."""

"""Teams for the weekend: the looking-for-a-team board, join requests, team pages."""

"""Moderation: flags from users, the officials' queue, hiding with a public reason."""

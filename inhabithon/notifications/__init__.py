"""Notifications: follows, the notification list, e-mail (at once, daily digest, never)."""

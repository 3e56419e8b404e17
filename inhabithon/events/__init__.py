"""The events domain; its blueprint is `views.bp`, registered by create_app."""

from inhabithon.events.views import bp

__all__ = ["bp"]

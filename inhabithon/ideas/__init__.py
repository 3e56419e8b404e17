from inhabithon.ideas.views import bp

__all__ = ["bp"]

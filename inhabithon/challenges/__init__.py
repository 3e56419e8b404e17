from inhabithon.challenges.views import bp

__all__ = ["bp"]

from inhabithon.votes.views import bp

__all__ = ["bp"]

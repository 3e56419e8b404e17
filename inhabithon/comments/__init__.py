from inhabithon.comments.views import bp

__all__ = ["bp"]

from inhabithon.main.views import bp

__all__ = ["bp"]

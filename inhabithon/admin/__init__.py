from inhabithon.admin.views import bp

__all__ = ["bp"]

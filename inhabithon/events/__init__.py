"""The events domain. The blueprint is imported on first use, so that importing
this domain's models (as permissions.py does) does not pull in its views and,
through them, half of the application."""

from __future__ import annotations

from typing import Any

__all__ = ["bp"]


def __getattr__(name: str) -> Any:
    if name == "bp":
        from inhabithon.events.views import bp

        return bp
    raise AttributeError(name)

"""Routes of the weekend domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("weekend", __name__)

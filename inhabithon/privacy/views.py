"""Routes of the privacy domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__)

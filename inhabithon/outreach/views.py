"""Routes of the outreach domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outreach", __name__)

"""Routes of the teams domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("teams", __name__)

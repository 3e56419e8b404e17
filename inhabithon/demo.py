"""``flask --app app demo load``: the H22 Inhabithon as a living example."""

from __future__ import annotations

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")

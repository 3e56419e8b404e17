from flask import Blueprint, abort

bp = Blueprint("challenges", __name__)


@bp.get("/challenges/<slug>")
def detail(slug: str):  # noqa: ANN201
    abort(404)

from flask import Blueprint, abort

bp = Blueprint("events", __name__)


@bp.get("/events/<slug>")
def detail(slug: str):  # noqa: ANN201
    abort(404)


@bp.get("/manage/events")
def manage():  # noqa: ANN201
    abort(404)

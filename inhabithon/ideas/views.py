from flask import Blueprint, abort

bp = Blueprint("ideas", __name__)


@bp.route("/challenges/<slug>/ideas/new", methods=["GET", "POST"])
def new(slug: str):  # noqa: ANN201
    abort(404)


@bp.get("/ideas/<int:idea_id>")
def detail(idea_id: int):  # noqa: ANN201
    abort(404)


@bp.get("/my/ideas")
def mine():  # noqa: ANN201
    abort(404)

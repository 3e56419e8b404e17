from flask import Blueprint, abort

bp = Blueprint("admin", __name__)


@bp.get("/admin/users")
def users():  # noqa: ANN201
    abort(404)

"""Routes of the privacy domain: the privacy statement, the download of one's
own data and the deletion of one's account."""

from __future__ import annotations

import datetime as dt
import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from inhabithon import permissions as perm
from inhabithon.accounts.models import User
from inhabithon.db import utcnow
from inhabithon.errors import DomainError
from inhabithon.extensions import limiter
from inhabithon.privacy import services
from inhabithon.privacy.forms import DeleteAccountForm, ExportForm

bp = Blueprint("privacy", __name__)

# When the statement's text last changed in substance.
STATEMENT_UPDATED_ON = dt.date(2026, 11, 22)


def _me() -> User:
    """The signed-in account itself, not Flask-Login's proxy (services store it)."""
    return current_user._get_current_object()


def _login_limit() -> str:
    # Deleting asks for the password, so it is limited like logging in.
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.get("/privacy")
def statement():  # noqa: ANN201
    config = current_app.config
    return render_template(
        "privacy/statement.html",
        privacy_email=config.get("PRIVACY_EMAIL") or config["CONTACT_EMAIL"],
        session_hours=config["SESSION_IDLE_TIMEOUT"] // 3600,
        updated_on=STATEMENT_UPDATED_ON,
        # Account settings belong to the accounts domain; linked once it exists.
        settings_url=(
            url_for("accounts.settings")
            if "accounts.settings" in current_app.view_functions
            else None
        ),
    )


@bp.route("/account/data", methods=["GET", "POST"])
def export():  # noqa: ANN201
    """GET explains what the file holds; POST (with the CSRF token) downloads it."""
    perm.require(perm.can_manage_own_data(current_user))
    form = ExportForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("privacy/export.html", form=form), status
    data = services.export_user_data(_me())
    body = json.dumps(data, ensure_ascii=False, indent=2)
    filename = f"inhabithon-data-{utcnow():%Y-%m-%d}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def delete_account():  # noqa: ANN201
    perm.require(perm.can_manage_own_data(current_user))
    form = DeleteAccountForm()
    status = 200
    problem = None
    if form.validate_on_submit():
        try:
            services.delete_account(_me(), form.password.data or "")
        except DomainError as exc:
            if exc.field == "password":
                form.password.errors.append(exc.message)
            else:
                problem = exc.message
            status = exc.status
        else:
            logout_user()
            session.clear()
            flash(_("Your account has been deleted. Thank you for taking part."), "info")
            return redirect(url_for("main.home"), 303)
    elif form.is_submitted():
        status = 400
    response = render_template("privacy/delete.html", form=form, problem=problem)
    return response, status, {"Cache-Control": "no-store"}

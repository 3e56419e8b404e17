"""Register, log in, log out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from inhabithon.accounts import services
from inhabithon.accounts.forms import LoginForm, LogoutForm, RegisterForm
from inhabithon.errors import DomainError
from inhabithon.extensions import limiter
from inhabithon.security import safe_next

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _start_session(user, remember: bool) -> None:  # noqa: ANN001
    # A fresh session at login, so a session id fixed before login is worthless.
    next_url = session.get("_next")
    session.clear()
    if next_url:
        session["_next"] = next_url
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = request.cookies.get("lang") or form.locale.data
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.email.data, form.display_name.data, form.password.data, form.locale.data
            )
        except DomainError as exc:
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            _start_session(user, remember=False)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("main.home")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
        form.password.errors.append(_("The e-mail address or password is wrong."))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():  # noqa: ANN201
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You are logged out."), "info")
        return redirect(url_for("main.home"))
    if request.method == "POST":
        return render_template("accounts/logout.html", form=form), 400
    # GET shows a confirmation button: logging out changes state, so it is a POST.
    return render_template("accounts/logout.html", form=form)

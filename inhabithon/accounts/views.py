"""Register, log in, log out; confirm the address, reset the password; account settings."""

from __future__ import annotations

import time
from typing import Any

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

from inhabithon import permissions as perm
from inhabithon.accounts import services
from inhabithon.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    ProfileForm,
    RegisterForm,
    ResendVerificationForm,
    ResetPasswordForm,
)
from inhabithon.errors import DomainError
from inhabithon.extensions import limiter
from inhabithon.pagecache.personal import Args, personal_part
from inhabithon.security import safe_next

bp = Blueprint("accounts", __name__)

# The session remembers when it was last used; it is rewritten at most this
# often (seconds), so most requests leave the cookie alone.
_SEEN_KEY = "_seen"
_SEEN_GRANULARITY = 60


@personal_part("verify-banner")
def _verify_banner(reader: Any, parts: list[Args]) -> list[str]:
    """For a signed-in reader whose address is not confirmed yet: what it means and
    a new link (a personal part of every page, in base.html)."""
    if not perm.is_signed_in(reader) or reader.is_verified:
        return [""] * len(parts)
    return [render_template("accounts/_verify_banner.html")] * len(parts)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _register_limit() -> str:
    return str(current_app.config["REGISTER_RATE_LIMIT"])


def _reset_limit() -> str:
    return str(current_app.config["RESET_RATE_LIMIT"])


def _remember_cookie() -> str:
    return str(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))


def _start_session(user, remember: bool) -> None:  # noqa: ANN001
    # A fresh session at login, so a session id fixed before login is worthless.
    next_url = session.get("_next")
    session.clear()
    if next_url:
        session["_next"] = next_url
    login_user(user, remember=remember)
    session[_SEEN_KEY] = int(time.time())


def _end_session() -> None:
    logout_user()
    remember = session.get("_remember")
    session.clear()
    if remember:  # tells Flask-Login to delete the "keep me logged in" cookie
        session["_remember"] = remember


@bp.before_app_request
def _expire_idle_session() -> None:
    """Log out a session unused for SESSION_IDLE_TIMEOUT seconds.

    The time of last use lives in the signed session cookie, so this costs no
    database write. "Keep me logged in" sessions are exempt: they were asked for.
    """
    if "_user_id" not in session or request.cookies.get(_remember_cookie()):
        return
    now = int(time.time())
    seen = session.get(_SEEN_KEY)
    if isinstance(seen, int) and now - seen > int(current_app.config["SESSION_IDLE_TIMEOUT"]):
        _end_session()
        flash(_("You were logged out because you had not been active for a while."), "info")
        return
    if not isinstance(seen, int) or now - seen >= _SEEN_GRANULARITY:
        session[_SEEN_KEY] = now


def _me():  # noqa: ANN202 - the signed-in User
    """The signed-in user as the model itself, not Flask-Login's proxy."""
    return current_user._get_current_object()


def _token_problem(exc: DomainError, kind: str):  # noqa: ANN202 - a Flask response tuple
    """The page for a link that cannot be used, with the way to get a new one."""
    page = render_template(
        "accounts/token_invalid.html",
        message=exc.message,
        kind=kind,
        resend_form=ResendVerificationForm(),
    )
    return page, exc.status


# --- register, log in, log out -------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = request.cookies.get("lang") or form.locale.data
    if form.validate_on_submit():
        try:
            services.sign_up(
                form.email.data, form.display_name.data, form.password.data, form.locale.data
            )
        except DomainError as exc:
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            # The same answer whether or not the address had an account already.
            return render_template("accounts/check_email.html")
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
        _end_session()
        flash(_("You are logged out."), "info")
        return redirect(url_for("main.home"))
    if request.method == "POST":
        return render_template("accounts/logout.html", form=form), 400
    # GET shows a confirmation button: logging out changes state, so it is a POST.
    return render_template("accounts/logout.html", form=form)


# --- e-mail verification ---------------------------------------------------------


@bp.route("/account/verify/<token>")
def verify_email(token: str):  # noqa: ANN201
    try:
        services.verify_email(token)
    except DomainError as exc:
        return _token_problem(exc, "verify")
    flash(_("Thank you, your e-mail address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.settings"))
    return redirect(url_for("accounts.login"))


@bp.route("/account/verify", methods=["POST"])
@limiter.limit(_reset_limit)
def resend_verification():  # noqa: ANN201
    perm.require(perm.is_signed_in(current_user))
    form = ResendVerificationForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.settings"))
    if current_user.is_verified:
        flash(_("Your e-mail address is already confirmed."), "info")
    else:
        services.send_verification(_me())
        flash(
            _(
                "We have sent a new link to %(email)s. It works for %(hours)d hours.",
                email=current_user.email,
                hours=current_app.config["TOKEN_HOURS_VERIFY"],
            ),
            "success",
        )
    return redirect(safe_next(request.form.get("next"), url_for("accounts.settings")), 303)


# --- forgotten password -------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():  # noqa: ANN201
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template(
            "accounts/forgot_sent.html", hours=current_app.config["TOKEN_HOURS_RESET"]
        )
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):  # noqa: ANN201
    try:
        services.check_reset_token(token)
    except DomainError as exc:
        return _token_problem(exc, "reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as exc:
            if exc.field is None:
                return _token_problem(exc, "reset")
            form.password.errors.append(exc.message)
        else:
            if current_user.is_authenticated:
                _end_session()
            flash(_("Your password is changed. Log in with your new password."), "success")
            return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/reset.html", form=form), status


# --- account settings -----------------------------------------------------------------


def _settings_page(status: int = 200, **forms):  # noqa: ANN003, ANN202 - a Flask response tuple
    user = current_user
    profile = forms.get("profile") or ProfileForm(
        formdata=None, display_name=user.display_name, locale=user.locale
    )
    page = render_template(
        "accounts/settings.html",
        profile_form=profile,
        password_form=forms.get("password") or ChangePasswordForm(formdata=None),
        email_form=forms.get("email") or ChangeEmailForm(formdata=None),
        resend_form=ResendVerificationForm(),
    )
    return page, status


@bp.route("/account", methods=["GET", "POST"])
def settings():  # noqa: ANN201
    perm.require(perm.is_signed_in(current_user))
    if request.method == "GET":
        return _settings_page()
    form = ProfileForm()
    if form.validate_on_submit():
        services.update_profile(_me(), form.display_name.data, form.locale.data)
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.settings"), 303)
    return _settings_page(400, profile=form)


@bp.route("/account/password", methods=["POST"])
def change_password():  # noqa: ANN201
    perm.require(perm.is_signed_in(current_user))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = _me()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as exc:
            field = "new_password" if exc.field == "password" else exc.field or "current_password"
            getattr(form, field).errors.append(exc.message)
        else:
            # Every session ends with the old session version; this one goes on.
            _start_session(user, remember=bool(request.cookies.get(_remember_cookie())))
            flash(_("Your password is changed. You were logged out everywhere else."), "success")
            return redirect(url_for("accounts.settings"), 303)
    return _settings_page(400, password=form)


@bp.route("/account/email", methods=["POST"])
@limiter.limit(_reset_limit)
def change_email():  # noqa: ANN201
    perm.require(perm.is_signed_in(current_user))
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(_me(), form.new_email.data, form.email_password.data)
        except DomainError as exc:
            getattr(form, exc.field or "new_email").errors.append(exc.message)
        else:
            flash(
                _(
                    "We have sent a link to %(email)s. Your address changes when you follow it.",
                    email=form.new_email.data,
                ),
                "success",
            )
            return redirect(url_for("accounts.settings"), 303)
    return _settings_page(400, email=form)


@bp.route("/account/email/<token>")
def confirm_email_change(token: str):  # noqa: ANN201
    try:
        user = services.confirm_email_change(token)
    except DomainError as exc:
        return _token_problem(exc, "email")
    flash(_("Your e-mail address is now %(email)s.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.settings"))
    return redirect(url_for("accounts.login"))

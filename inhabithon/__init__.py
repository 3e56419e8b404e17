"""Inhabithon: a co-design platform for cities."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, make_response
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError

from inhabithon import errors, pagecache, security
from inhabithon.config import ROOT, load_config
from inhabithon.db import db as database
from inhabithon.extensions import babel, csrf, limiter, login_manager
from inhabithon.i18n import (
    CONTENT_LANGUAGES,
    LANGUAGE_NAMES,
    install_template_gettext,
    select_locale,
    text_direction,
)
from inhabithon.markdown import safe_html
from inhabithon.pagecache.personal import fill_response
from inhabithon.templating import Environment
from inhabithon.timeutil import format_when

log = logging.getLogger(__name__)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``overrides`` replace settings (tests use it)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.jinja_environment = Environment  # before anything builds app.jinja_env
    app.config.update(load_config(overrides))

    database.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    errors.init_app(app)
    security.init_app(app)
    _init_transactions(app)
    pagecache.init_app(app)  # after the commit hook: personal parts are filled before it
    _init_templates(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _init_login(app: Flask) -> None:
    from inhabithon.accounts.services import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)


def _init_transactions(app: Flask) -> None:
    """One transaction per request: commit after success, roll back otherwise."""
    from inhabithon.mail.services import deliver_queued_after_commit

    @app.after_request
    def _commit(response: Response) -> Response:
        session = g.get("db_session")
        if session is None:
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            log.warning("commit refused by a constraint", exc_info=True)
            return fill_response(make_response(errors.render_error(409)))
        except OperationalError:
            session.rollback()
            log.exception("commit failed")
            return fill_response(make_response(errors.render_error(503)))
        deliver_queued_after_commit()
        return response


def _init_templates(app: Flask) -> None:
    from inhabithon import permissions

    install_template_gettext(app)
    app.jinja_env.filters["html"] = safe_html
    app.jinja_env.filters["datetime"] = format_when
    app.jinja_env.filters["date"] = lambda v, fmt="long": format_date(v, fmt) if v else ""
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.globals.update(permissions.TEMPLATE_PREDICATES)
    # Macros imported without context (author names, buttons) still see the viewer.
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["CONTENT_LANGUAGES"] = CONTENT_LANGUAGES

    @app.context_processor
    def _locale() -> dict[str, Any]:
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {"current_locale": locale, "text_direction": text_direction(locale)}


def _register_blueprints(app: Flask) -> None:
    # Blueprints live in each domain's views module; importing the domain
    # package itself (for its models) never pulls in views.
    from inhabithon.accounts.views import bp as accounts_bp
    from inhabithon.admin.views import bp as admin_bp
    from inhabithon.api.views import bp as api_bp
    from inhabithon.challenges.views import bp as challenges_bp
    from inhabithon.comments.views import bp as comments_bp
    from inhabithon.events.views import bp as events_bp
    from inhabithon.ideas.views import bp as ideas_bp
    from inhabithon.jury.views import bp as jury_bp
    from inhabithon.main.views import bp as main_bp
    from inhabithon.moderation.views import bp as moderation_bp
    from inhabithon.notifications.views import bp as notifications_bp
    from inhabithon.outreach.views import bp as outreach_bp
    from inhabithon.privacy.views import bp as privacy_bp
    from inhabithon.projects.views import bp as projects_bp
    from inhabithon.results.views import bp as results_bp
    from inhabithon.search.views import bp as search_bp
    from inhabithon.teams.views import bp as teams_bp
    from inhabithon.votes.views import bp as votes_bp
    from inhabithon.weekend.views import bp as weekend_bp

    for bp in (
        main_bp,
        accounts_bp,
        events_bp,
        challenges_bp,
        ideas_bp,
        comments_bp,
        votes_bp,
        jury_bp,
        projects_bp,
        results_bp,
        moderation_bp,
        outreach_bp,
        privacy_bp,
        api_bp,
        search_bp,
        notifications_bp,
        weekend_bp,
        teams_bp,
        admin_bp,
    ):
        app.register_blueprint(bp)


def _register_commands(app: Flask) -> None:
    from inhabithon.accounts.cli import users_cli
    from inhabithon.demo import demo_cli
    from inhabithon.mail.cli import mail_cli
    from inhabithon.migrate import db_cli
    from inhabithon.pagecache.refresh import pages_cli
    from inhabithon.weekend.cli import weekend_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(weekend_cli)
    app.cli.add_command(pages_cli)

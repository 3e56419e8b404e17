"""Project status pages: the public list and page with its timeline and feeds,
and the officials' pages to write them, move them and post updates."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import click
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import Form

from inhabithon import permissions as perm
from inhabithon.challenges.models import Challenge
from inhabithon.db import Question, db, ids_of
from inhabithon.errors import DomainError
from inhabithon.i18n import LANGUAGE_NAMES
from inhabithon.ideas.models import Idea
from inhabithon.pagecache import shared_page
from inhabithon.pagecache.personal import Args, answer, personal_part, render_part
from inhabithon.projects import feeds, services
from inhabithon.projects.forms import (
    ContactForm,
    GoalForm,
    LinkForm,
    ProjectForm,
    ProjectTranslationForm,
    StatusDefinitionForm,
    StatusForm,
    UpdateForm,
)
from inhabithon.projects.models import (
    ImpactGoal,
    Project,
    ProjectContact,
    ProjectLink,
    ProjectStatus,
)
from inhabithon.projects.page import load_project, project_list, timeline
from inhabithon.projects.services import translations
from inhabithon.results.models import Award

bp = Blueprint("projects", __name__)

# Projects per page of the list (tests make it smaller).
PER_PAGE = 20


@bp.app_template_global()
def project_status_label(status: ProjectStatus) -> str:
    return services.status_label(status)


def _field_error(form: Form, exc: DomainError, default: str) -> str | None:
    """Put a service's message next to its field; a message about no field is returned."""
    f = getattr(form, exc.field or default, None)
    if f is None:
        return str(exc.message)
    f.errors = [*f.errors, exc.message]
    return None


def _login_back(slug: str) -> ResponseReturnValue:
    flash(_("Please log in to continue."), "info")
    return redirect(url_for("accounts.login", next=url_for("projects.detail", slug=slug)))


# --- the public pages --------------------------------------------------------------


@bp.get("/projects")
@shared_page
def index():  # noqa: ANN201
    listing = project_list(
        request.args.get("status", ""),
        request.args.get("category", "").strip(),
        request.args.get("event", "").strip(),
        request.args.get("after"),
        per_page=PER_PAGE,
    )
    return render_template("projects/index.html", listing=listing)


@bp.get("/projects/<slug>")
@shared_page
def detail(slug: str):  # noqa: ANN201
    project = load_project(
        slug,
        joinedload(Project.status),
        joinedload(Project.event),
        joinedload(Project.challenge),
        joinedload(Project.idea),
        selectinload(Project.goals),
        selectinload(Project.contacts),
        selectinload(Project.links),
    )
    return render_template("projects/detail.html", project=project, timeline=timeline(project))


def _follows_asked(reader: Any, parts: list[Args]) -> dict[Hashable, Question]:
    if not perm.can_follow_project(reader):
        return {}
    ids = [int(project_id) for project_id, _slug in parts]
    return {"followed-projects": services.followed_question(reader, ids)}


@personal_part("project-follow", asks=_follows_asked)
def _follow_button(reader: Any, parts: list[Args]) -> list[str]:
    """Follow or stop following a project (parts: project id, slug)."""
    if not perm.can_follow_project(reader):
        return [""] * len(parts)
    followed = ids_of(answer("followed-projects"))
    return [
        render_part(
            "projects/_follow_button.html", slug=slug, following=int(project_id) in followed
        )
        for project_id, slug in parts
    ]


# --- creating and editing -------------------------------------------------------------


def _save_form(
    form: ProjectForm, project: Project | None, origin: services.ProjectData | None, **ctx: Any
) -> ResponseReturnValue:
    status, message = 200, None
    if form.validate_on_submit():
        try:
            if project is None:
                project = services.create_project(current_user, form.to_data(origin))
                flash(_("The project “%(title)s” was created.", title=project.title), "success")
            else:
                data = form.to_data(origin)
                services.update_project(current_user, project, data)
                flash(_("The project was saved."), "success")
        except DomainError as exc:
            status, message = exc.status, _field_error(form, exc, "title")
        else:
            return redirect(url_for("projects.detail", slug=project.slug), 303)
    elif form.is_submitted():
        status = 400
    return render_template(
        "projects/form.html", form=form, project=project, origin=origin, message=message, **ctx
    ), status


@bp.route("/projects/new", methods=["GET", "POST"])
def new():  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    return _save_form(ProjectForm(), None, None)


@bp.route("/ideas/<int:idea_id>/project/new", methods=["GET", "POST"])
def new_from_idea(idea_id: int):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    idea = db.session.scalar(
        select(Idea)
        .options(selectinload(Idea.challenge).selectinload(Challenge.event))
        .where(Idea.id == idea_id)
    )
    if idea is None or not perm.can_view_idea(current_user, idea):
        abort(404)
    origin = services.prefill_from_idea(idea)
    form = ProjectForm(data=ProjectForm.initial(origin)) if request.method == "GET" else None
    awards = db.session.scalars(
        select(Award).where(Award.idea_id == idea.id).order_by(Award.id)
    ).all()
    existing = db.session.scalars(
        select(Project).where(Project.idea_id == idea.id).order_by(Project.id)
    ).all()
    return _save_form(
        form or ProjectForm(), None, origin, idea=idea, awards=awards, existing=existing
    )


@bp.route("/projects/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, joinedload(Project.status))
    origin = services.ProjectData(
        title=project.title,
        event_id=project.event_id,
        challenge_id=project.challenge_id,
        idea_id=project.idea_id,
    )
    form = ProjectForm(data=ProjectForm.initial(project)) if request.method == "GET" else None
    return _save_form(form or ProjectForm(), project, origin)


# --- status and updates ---------------------------------------------------------------


@bp.route("/projects/<slug>/status", methods=["GET", "POST"])
def status(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, joinedload(Project.status))
    all_statuses = services.statuses()
    form = StatusForm()
    form.status.choices = [(s.id, services.status_label(s)) for s in all_statuses]
    if request.method == "GET":
        form.status.data = project.status_id
    code, message = 200, None
    if form.validate_on_submit():
        new_status = next(s for s in all_statuses if s.id == form.status.data)
        try:
            services.change_status(
                current_user,
                project,
                new_status,
                form.comment.data or "",
                lessons_md=form.lessons_md.data or None,
            )
        except DomainError as exc:
            code, message = exc.status, _field_error(form, exc, "status")
            if exc.field == "lessons":
                form.lessons_md.errors = [*form.lessons_md.errors, exc.message]
        else:
            flash(
                _("The project is now “%(status)s”.", status=services.status_label(new_status)),
                "success",
            )
            return redirect(url_for("projects.detail", slug=project.slug), 303)
    elif form.is_submitted():
        code = 400
    return render_template(
        "projects/status.html", form=form, project=project, message=message
    ), code


@bp.route("/projects/<slug>/updates", methods=["GET", "POST"])
def updates(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug)
    form = UpdateForm()
    code, message = 200, None
    if form.validate_on_submit():
        try:
            services.post_update(current_user, project, form.title.data or "", form.body.data or "")
        except DomainError as exc:
            code, message = exc.status, _field_error(form, exc, "title")
        else:
            flash(_("The update is published."), "success")
            return redirect(url_for("projects.detail", slug=project.slug, _anchor="timeline"), 303)
    elif form.is_submitted():
        code = 400
    return render_template(
        "projects/item_form.html",
        form=form,
        project=project,
        message=message,
        heading=_("Post an update"),
        submit=_("Publish update"),
    ), code


# --- goals, contacts and links -------------------------------------------------------------


def _item_page(
    form: Form, project: Project, heading: str, submit: str, save: Any, done: str
) -> ResponseReturnValue:
    code, message = 200, None
    if form.validate_on_submit():
        try:
            save()
        except DomainError as exc:
            default = next(iter(f.name for f in form if f.name != "csrf_token"))
            code, message = exc.status, _field_error(form, exc, default)
        else:
            flash(done, "success")
            return redirect(url_for("projects.detail", slug=project.slug), 303)
    elif form.is_submitted():
        code = 400
    return render_template(
        "projects/item_form.html",
        form=form,
        project=project,
        message=message,
        heading=heading,
        submit=submit,
    ), code


def _goal(project: Project, goal_id: int) -> ImpactGoal:
    goal = db.session.get(ImpactGoal, goal_id)
    if goal is None or goal.project_id != project.id:
        abort(404)
    return goal


@bp.route("/projects/<slug>/goals/new", methods=["GET", "POST"])
def new_goal(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, selectinload(Project.goals))
    form = GoalForm()
    return _item_page(
        form,
        project,
        _("Add an impact goal"),
        _("Add goal"),
        lambda: services.add_goal(current_user, project, form.to_data()),
        _("The impact goal was added."),
    )


@bp.route("/projects/<slug>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(slug: str, goal_id: int):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug)
    goal = _goal(project, goal_id)
    form = GoalForm(data=GoalForm.initial(goal)) if request.method == "GET" else GoalForm()
    return _item_page(
        form,
        project,
        _("Edit impact goal"),
        _("Save goal"),
        lambda: services.update_goal(current_user, goal, form.to_data()),
        _("The impact goal was saved."),
    )


@bp.post("/projects/<slug>/goals/<int:goal_id>/delete")
def delete_goal(slug: str, goal_id: int):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, selectinload(Project.goals))
    services.remove_goal(current_user, _goal(project, goal_id))
    flash(_("The impact goal was removed."), "info")
    return redirect(url_for("projects.detail", slug=project.slug), 303)


@bp.route("/projects/<slug>/contacts/new", methods=["GET", "POST"])
def new_contact(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, selectinload(Project.contacts))
    form = ContactForm()
    return _item_page(
        form,
        project,
        _("Add a contact"),
        _("Add contact"),
        lambda: services.add_contact(
            current_user, project, form.name.data or "", form.email.data or "", form.role.data or ""
        ),
        _("The contact was added."),
    )


@bp.post("/projects/<slug>/contacts/<int:contact_id>/delete")
def delete_contact(slug: str, contact_id: int):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, selectinload(Project.contacts))
    contact = db.session.get(ProjectContact, contact_id)
    if contact is None or contact.project_id != project.id:
        abort(404)
    services.remove_contact(current_user, project, contact)
    flash(_("The contact was removed."), "info")
    return redirect(url_for("projects.detail", slug=project.slug), 303)


@bp.route("/projects/<slug>/links/new", methods=["GET", "POST"])
def new_link(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, selectinload(Project.links))
    form = LinkForm()
    return _item_page(
        form,
        project,
        _("Add a link to an evaluation"),
        _("Add link"),
        lambda: services.add_link(
            current_user, project, form.title.data or "", form.url.data or ""
        ),
        _("The link was added."),
    )


@bp.post("/projects/<slug>/links/<int:link_id>/delete")
def delete_link(slug: str, link_id: int):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug, selectinload(Project.links))
    link = db.session.get(ProjectLink, link_id)
    if link is None or link.project_id != project.id:
        abort(404)
    services.remove_link(current_user, project, link)
    flash(_("The link was removed."), "info")
    return redirect(url_for("projects.detail", slug=project.slug), 303)


# --- the statuses table ----------------------------------------------------------------------


@bp.route("/projects/statuses", methods=["GET", "POST"])
def statuses():  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    form = StatusDefinitionForm()
    code, message = 200, None
    if form.validate_on_submit():
        try:
            services.add_status(
                current_user,
                form.key.data or "",
                form.name.data or "",
                form.progress.data if form.progress.data is not None else -1,
                keeps_progress=bool(form.keeps_progress.data),
            )
        except DomainError as exc:
            code, message = exc.status, _field_error(form, exc, "key")
        else:
            flash(_("The status was added."), "success")
            return redirect(url_for("projects.statuses"), 303)
    elif form.is_submitted():
        code = 400
    return render_template(
        "projects/statuses.html", form=form, statuses=services.statuses(), message=message
    ), code


# --- following ------------------------------------------------------------------------------


@bp.post("/projects/<slug>/follow")
def follow(slug: str):  # noqa: ANN201
    project = load_project(slug)
    if not perm.is_signed_in(current_user):
        return _login_back(project.slug)
    perm.require(perm.can_follow_project(current_user))
    services.follow(current_user, project)
    flash(_("You follow this project."), "success")
    return redirect(url_for("projects.detail", slug=project.slug), 303)


@bp.post("/projects/<slug>/unfollow")
def unfollow(slug: str):  # noqa: ANN201
    project = load_project(slug)
    if not perm.is_signed_in(current_user):
        return _login_back(project.slug)
    services.unfollow(current_user, project)
    flash(_("You no longer follow this project."), "info")
    return redirect(url_for("projects.detail", slug=project.slug), 303)


# --- feeds ----------------------------------------------------------------------------------


@bp.get("/projects/<slug>/feed.atom")
def project_feed(slug: str):  # noqa: ANN201
    project = load_project(slug)
    return Response(feeds.project_feed(project, timeline(project)), content_type=feeds.ATOM_TYPE)


@bp.get("/projects/feed.atom")
def feed():  # noqa: ANN201
    return Response(feeds.all_projects_feed(), content_type=feeds.ATOM_TYPE)


# --- translations of the page's texts ---------------------------------------------------


@bp.route("/projects/<slug>/translations", methods=["GET", "POST"], endpoint="translations")
def translations_page(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug)
    languages = translations.translation_languages(project)
    existing = {t.language: t for t in translations.translations_of(project)}
    wanted = request.args.get("language", "")
    current = existing.get(wanted)
    data: dict[str, str | None] = {"language": wanted if wanted in languages else None}
    if current is not None:
        data.update(
            title=current.title,
            lead=current.lead,
            what=current.what_md,
            why=current.why_md,
            how=current.how_md,
        )
    form = ProjectTranslationForm(data=data)
    form.language.choices = [(code, LANGUAGE_NAMES.get(code, code)) for code in languages]
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            language = form.language.data or ""
            try:
                translations.save_project_translation(
                    current_user, project, language, form.to_data()
                )
            except DomainError as exc:
                getattr(form, exc.field or "title").errors.append(exc.message)
                status = exc.status
            else:
                flash(
                    _(
                        "The translation into %(language)s was saved.",
                        language=LANGUAGE_NAMES.get(language, language),
                    ),
                    "success",
                )
                return redirect(url_for("projects.translations", slug=slug), 303)
    return render_template(
        "projects/translations.html",
        project=project,
        form=form,
        languages=languages,
        existing=existing,
        editing=current,
    ), status


@bp.post("/projects/<slug>/translations/<language>/delete")
def delete_translation(slug: str, language: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug)
    if translations.translation_into(project, language) is None:
        abort(404)
    translations.delete_project_translation(current_user, project, language)
    flash(
        _(
            "The translation into %(language)s was deleted.",
            language=LANGUAGE_NAMES.get(language, language),
        ),
        "success",
    )
    return redirect(url_for("projects.translations", slug=slug), 303)


@bp.app_template_global("localized_project")
def localized_project(project: Project) -> translations.LocalizedProject:
    """``localized_project(project)`` in templates: one query per page, kept for the request."""
    cache: dict[int, translations.LocalizedProject] = g.setdefault("localized_projects", {})
    if project.id not in cache:
        cache[project.id] = translations.localize(project)
    return cache[project.id]


# --- command line ---------------------------------------------------------------------------


@bp.cli.command("seed-statuses")
def seed_statuses_cmd() -> None:
    """Add the six built-in project statuses that are missing (safe to run again)."""
    added = services.seed_statuses()
    db.session.commit()
    if added:
        click.echo(f"Added the statuses: {', '.join(added)}.")
    else:
        click.echo("The built-in statuses are already there.")

"""Translations of a project page's texts (title, lead, what/why/how) into the
other interface languages: the service, the officials' form and page, and
``localized_project(project)`` for templates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from inhabithon import permissions as perm
from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, DomainError, InvalidInput
from inhabithon.i18n import CONTENT_LANGUAGES, LANGUAGE_NAMES
from inhabithon.markdown import render
from inhabithon.projects.models import Project, ProjectTranslation
from inhabithon.projects.page import load_project

bp = Blueprint("project_translations", __name__)
SECTIONS = ("what", "why", "how")


# --- service -------------------------------------------------------------------


@dataclass
class ProjectTranslationData:
    title: str
    lead: str = ""
    what_md: str = ""
    why_md: str = ""
    how_md: str = ""


def translation_languages(project: Project) -> list[str]:
    return [code for code in current_app.config["LANGUAGES"] if code != project.language]


def translations_of(project: Project) -> list[ProjectTranslation]:
    return list(
        db.session.scalars(
            select(ProjectTranslation)
            .where(ProjectTranslation.project_id == project.id)
            .order_by(ProjectTranslation.language)
        )
    )


def _translation(project: Project, language: str) -> ProjectTranslation | None:
    return db.session.scalar(
        select(ProjectTranslation).where(
            ProjectTranslation.project_id == project.id, ProjectTranslation.language == language
        )
    )


def save_project_translation(
    actor: User | None, project: Project, language: str, data: ProjectTranslationData
) -> ProjectTranslation:
    """Add or replace the translation of ``project`` into ``language``."""
    if language not in translation_languages(project):
        raise InvalidInput(
            _l("Choose one of the interface languages other than the project's own."),
            field="language",
        )
    if not data.title.strip():
        raise InvalidInput(_l("Enter the translated title."), field="title")
    translation = _translation(project, language)
    created = translation is None
    if translation is None:
        translation = ProjectTranslation(project_id=project.id, language=language)
        db.session.add(translation)
    translation.title = data.title.strip()
    translation.lead = data.lead.strip()
    for key in SECTIONS:
        text = getattr(data, f"{key}_md")
        setattr(translation, f"{key}_md", text)
        setattr(translation, f"{key}_html", render(text))
    translation.updated_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(
            _l("Someone else added this translation meanwhile. Open it and try again."),
            field="language",
        ) from None
    record(
        actor,
        "project.translation_added" if created else "project.translation_changed",
        project,
        after={"language": language, "title": translation.title},
    )
    return translation


def delete_project_translation(actor: User | None, project: Project, language: str) -> None:
    translation = _translation(project, language)
    if translation is None:
        raise Conflict(_l("There is no translation into this language."), field="language")
    db.session.delete(translation)
    db.session.flush()
    record(
        actor,
        "project.translation_deleted",
        project,
        before={"language": language, "title": translation.title},
    )


# --- for templates ---------------------------------------------------------------


@dataclass(frozen=True)
class LocalizedProject:
    title: str
    lead: str
    what_html: str
    why_html: str
    how_html: str
    language: str
    original_language: str
    translated: bool

    @property
    def original_language_name(self) -> str:
        return CONTENT_LANGUAGES.get(self.original_language, self.original_language)


@bp.app_template_global("localized_project")
def localized_project(project: Project) -> LocalizedProject:
    """The texts in the interface language where translated (one query per page,
    remembered for the request), else the original."""
    cache: dict[int, LocalizedProject] = g.setdefault("localized_projects", {})
    if project.id not in cache:
        cache[project.id] = _localize(project)
    return cache[project.id]


def _localize(project: Project) -> LocalizedProject:
    wanted = str(get_locale() or "")
    translation = _translation(project, wanted) if wanted and wanted != project.language else None
    source = translation or project
    return LocalizedProject(
        title=source.title,
        lead=source.lead,
        what_html=source.what_html,
        why_html=source.why_html,
        how_html=source.how_html,
        language=translation.language if translation else project.language,
        original_language=project.language,
        translated=translation is not None,
    )


# --- officials' page ---------------------------------------------------------------


class ProjectTranslationForm(FlaskForm):
    language = SelectField(_l("Language of the translation"), choices=[], validate_choice=False)
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter the translated title.")), Length(max=200)]
    )
    lead = TextAreaField(_l("Lead"), validators=[Length(max=600)])
    what = TextAreaField(_l("What?"), validators=[Length(max=20000)])
    why = TextAreaField(_l("Why?"), validators=[Length(max=20000)])
    how = TextAreaField(_l("How?"), validators=[Length(max=20000)])

    def to_data(self) -> ProjectTranslationData:
        return ProjectTranslationData(
            title=self.title.data or "",
            lead=self.lead.data or "",
            what_md=self.what.data or "",
            why_md=self.why.data or "",
            how_md=self.how.data or "",
        )


@bp.route("/projects/<slug>/translations", methods=["GET", "POST"])
def translations(slug: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug)
    languages = translation_languages(project)
    existing = {t.language: t for t in translations_of(project)}
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
                save_project_translation(current_user, project, language, form.to_data())
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
                return redirect(url_for("project_translations.translations", slug=slug), 303)
    return render_template(
        "projects/translations.html",
        project=project,
        form=form,
        languages=languages,
        existing=existing,
        editing=current,
    ), status


@bp.post("/projects/<slug>/translations/<language>/delete")
def delete(slug: str, language: str):  # noqa: ANN201
    perm.require(perm.can_manage_projects(current_user))
    project = load_project(slug)
    if _translation(project, language) is None:
        abort(404)
    delete_project_translation(current_user, project, language)
    flash(
        _(
            "The translation into %(language)s was deleted.",
            language=LANGUAGE_NAMES.get(language, language),
        ),
        "success",
    )
    return redirect(url_for("project_translations.translations", slug=slug), 303)

"""Translations of a project page's texts (title, lead, What/Why/How) into the
other interface languages, entered by officials."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inhabithon.accounts.models import User
from inhabithon.content_translations import remove_translation, store_translation
from inhabithon.db import db, utcnow
from inhabithon.errors import InvalidInput
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.markdown import render
from inhabithon.projects.models import Project, ProjectTranslation

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


def translation_into(project: Project, language: str) -> ProjectTranslation | None:
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
    translation = translation_into(project, language)
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
    store_translation(actor, project, translation, created=created, domain="project")
    return translation


def delete_project_translation(actor: User | None, project: Project, language: str) -> None:
    remove_translation(actor, project, translation_into(project, language), domain="project")


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


def localize(project: Project) -> LocalizedProject:
    """The texts in the interface language where an official translated them
    (one query), else the original."""
    wanted = str(get_locale() or "")
    translation = (
        translation_into(project, wanted) if wanted and wanted != project.language else None
    )
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

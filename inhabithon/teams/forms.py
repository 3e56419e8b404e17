"""Forms of the weekend teams: the board post, the team, the join request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from inhabithon.teams.services import PostData, TeamData


def nickname_field() -> StringField:
    return StringField(
        _l("Shown as (optional)"),
        description=_l(
            "A first name or nickname to show instead of your account's name. "
            "Your e-mail address is never shown."
        ),
        validators=[Optional(), Length(max=80)],
    )


def languages_field() -> StringField:
    return StringField(
        _l("Languages"),
        description=_l("The languages you speak, for example Swedish, Arabic, English."),
        validators=[Optional(), Length(max=200)],
    )


class BoardPostForm(FlaskForm):
    brings = TextAreaField(
        _l("What I bring"),
        description=_l("Skills, experience, ideas: what you can do for a team."),
        validators=[DataRequired(_l("Say what you bring.")), Length(max=1000)],
    )
    looks_for = TextAreaField(
        _l("What I look for"),
        description=_l("The kind of team or people you want to work with."),
        validators=[DataRequired(_l("Say what you look for.")), Length(max=1000)],
    )
    languages = languages_field()
    nickname = nickname_field()

    def to_data(self) -> PostData:
        return PostData(
            brings=self.brings.data or "",
            looks_for=self.looks_for.data or "",
            languages=self.languages.data or "",
            nickname=self.nickname.data,
        )


class TeamForm(FlaskForm):
    name = StringField(
        _l("Team name"),
        validators=[DataRequired(_l("Give the team a name.")), Length(max=120)],
    )
    description = TextAreaField(
        _l("About the team"),
        description=_l("What the team wants to do and who it looks for."),
        validators=[Optional(), Length(max=2000)],
    )
    languages = StringField(
        _l("Languages"),
        description=_l("The languages the team works in, for example Swedish, Arabic, English."),
        validators=[Optional(), Length(max=200)],
    )
    idea_id = SelectField(
        _l("The team's idea (optional)"),
        description=_l("Only an idea in this challenge that the team's owner wrote can be linked."),
        choices=[],
        coerce=str,
        default="",
        validate_choice=True,
    )
    nickname = nickname_field()

    def to_data(self) -> TeamData:
        raw = self.idea_id.data or ""
        return TeamData(
            name=self.name.data or "",
            description=self.description.data or "",
            languages=self.languages.data or "",
            idea_id=int(raw) if raw.isdigit() else None,
            nickname=self.nickname.data,
        )


class JoinForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the team"),
        description=_l("Say who you are and what you would like to do in the team."),
        validators=[DataRequired(_l("Write a short message to the team.")), Length(max=1000)],
    )
    nickname = nickname_field()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

"""The comment form, shown once for new comments and once per comment for replies."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from inhabithon.comments.services import BODY_MAX
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.ideas.forms import display_field


def _choices() -> list[tuple[str, str]]:
    return list(CONTENT_LANGUAGES.items())


class CommentForm(FlaskForm):
    """Reply forms carry a prefix (``reply-<id>``) so every field id on the page
    is unique. The CSRF token is checked for every POST by CSRFProtect and is
    rendered once per form with the ``csrf_form()`` macro, so that the prefix
    does not rename it."""

    class Meta:
        csrf = False

    body = TextAreaField(
        _l("Your comment"),
        description=_l("At most %(n)d characters. You can use Markdown.", n=BODY_MAX),
        validators=[
            DataRequired(_l("Write a comment before sending it.")),
            Length(
                max=BODY_MAX, message=_l("A comment can be at most %(n)d characters.", n=BODY_MAX)
            ),
        ],
    )
    language = SelectField(_l("Language"), choices=_choices, default="sv")
    display = display_field()
    # Shown to guides only: the comment is a resident's, written down by the guide.
    on_behalf = BooleanField(
        _l("On behalf of a resident without an account"),
        description=_l(
            "Shown as “A resident, via the contact center”. Your name is seen only by officials."
        ),
    )


def reply_prefix(comment_id: int | str) -> str:
    return f"reply-{comment_id}"

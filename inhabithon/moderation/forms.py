"""Forms of the moderation domain: reporting content, officials' decisions, suspension."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from inhabithon.moderation.services import REASON_MAX

# A short list of reasons; the key is stored in front of the free text so that
# officials read it in their own language.
FLAG_REASONS = {
    "offensive": _l("Offensive, hateful or threatening"),
    "personal": _l("Reveals personal information about someone"),
    "spam": _l("Spam or advertising"),
    "other": _l("Something else"),
}
DETAILS_MAX = 400


def flag_reason_parts(stored: str) -> tuple[Any, str]:
    """A stored flag reason as (translated category or None, free text)."""
    key, sep, rest = stored.partition(":")
    if key in FLAG_REASONS:
        return FLAG_REASONS[key], rest.strip() if sep else ""
    return None, stored


class FlagForm(FlaskForm):
    category = RadioField(
        _l("Why are you reporting this?"),
        choices=[SelectChoice(key, label) for key, label in FLAG_REASONS.items()],
        validators=[DataRequired(_l("Choose a reason."))],
    )
    details = TextAreaField(
        _l("Details"),
        description=_l(
            "At most %(n)d characters. Required if you chose “Something else”. "
            "Only moderators read it; your name is never shown publicly.",
            n=DETAILS_MAX,
        ),
        validators=[
            Length(
                max=DETAILS_MAX,
                message=_l("Write at most %(n)d characters.", n=DETAILS_MAX),
            )
        ],
    )

    def validate_details(self, field: Any) -> None:
        if self.category.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Tell us what is wrong."))

    def reason(self) -> str:
        details = (self.details.data or "").strip()
        return f"{self.category.data}: {details}" if details else str(self.category.data)


class DecisionForm(FlaskForm):
    """One official's decision on one idea or comment in the queue. Each form on
    the queue page carries a prefix so field ids stay unique; the CSRF token is
    checked by CSRFProtect and rendered once per form by ``csrf_form()``."""

    class Meta:
        csrf = False

    reason = TextAreaField(
        _l("Reason"),
        description=_l(
            "Shown publicly with hidden content. Required to hide, restore or reject. "
            "At most %(n)d characters.",
            n=REASON_MAX,
        ),
        validators=[
            Length(max=REASON_MAX, message=_l("Write at most %(n)d characters.", n=REASON_MAX))
        ],
    )


class SuspendForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the suspension"),
        description=_l(
            "Sent to the person by e-mail and kept in the audit log. At most %(n)d characters.",
            n=REASON_MAX,
        ),
        validators=[
            DataRequired(_l("Give a reason.")),
            Length(max=REASON_MAX, message=_l("Write at most %(n)d characters.", n=REASON_MAX)),
        ],
    )


class LiftSuspensionForm(FlaskForm):
    """Only the CSRF token."""

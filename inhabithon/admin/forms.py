"""Forms for administering users and roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField
from wtforms.validators import Length

from inhabithon.accounts.models import Role

# The roles an admin gives and takes; RESIDENT belongs to every account.
GRANTABLE_ROLES = (Role.GUIDE, Role.JURY, Role.OFFICIAL, Role.ADMIN)


class UserSearchForm(FlaskForm):
    """The GET search box: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search by name or e-mail"), validators=[Length(max=254)])


class RolesForm(FlaskForm):
    guide = BooleanField(
        _l("Guide"), description=_l("Submits ideas on behalf of residents without an account.")
    )
    jury = BooleanField(_l("Jury"), description=_l("Scores the ideas of assigned challenges."))
    official = BooleanField(
        _l("Official"), description=_l("Runs events and challenges, moderates, publishes results.")
    )
    admin = BooleanField(
        _l("Admin"), description=_l("Manages users and roles, sees the audit log.")
    )

    def fill(self, roles: frozenset[Role]) -> None:
        for role in GRANTABLE_ROLES:
            self[role.value].data = role in roles

    def chosen_roles(self) -> set[Role]:
        return {role for role in GRANTABLE_ROLES if self[role.value].data}

"""Administration: users and their roles, and the audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import Role, User
from inhabithon.accounts.services import set_roles
from inhabithon.admin.forms import GRANTABLE_ROLES, RolesForm, UserSearchForm
from inhabithon.audit.models import AuditEntry
from inhabithon.db import db
from inhabithon.errors import DomainError
from inhabithon.moderation import services as moderation
from inhabithon.moderation.forms import LiftSuspensionForm, SuspendForm
from inhabithon.permissions import (
    can_manage_roles,
    can_suspend_users,
    can_view_audit,
    get_or_404,
    require,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
RECENT_CHANGES = 10

ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.GUIDE: _l("Guide"),
    Role.JURY: _l("Jury"),
    Role.OFFICIAL: _l("Official"),
    Role.ADMIN: _l("Admin"),
}


def describe(values: dict[str, Any] | None) -> str:
    """An audit entry's before/after values as one readable line."""
    if not values:
        return "–"
    parts = []
    for key, value in values.items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value) or "–"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _page(rows: list[Any]) -> tuple[list[Any], bool]:
    """The first PER_PAGE rows and whether more follow (one row was fetched extra)."""
    return rows[:PER_PAGE], len(rows) > PER_PAGE


@bp.get("/users")
def users():  # noqa: ANN201
    require(can_manage_roles(current_user))
    form = UserSearchForm(formdata=request.args)
    status = 200
    query = ""
    if form.validate():
        query = (form.q.data or "").strip()
    else:
        status = 400
    after = request.args.get("after", type=int)

    stmt = select(User).order_by(User.id).limit(PER_PAGE + 1)
    if query:
        stmt = stmt.where(
            or_(
                User.display_name.icontains(query, autoescape=True),
                User.email.icontains(query, autoescape=True),
            )
        )
    if after is not None:
        stmt = stmt.where(User.id > after)
    people, has_next = _page(list(db.session.scalars(stmt)))
    return render_template(
        "admin/users.html",
        form=form,
        query=query,
        people=people,
        after=after,
        next_after=people[-1].id if has_next else None,
        role_labels=ROLE_LABELS,
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):  # noqa: ANN201
    require(can_manage_roles(current_user))
    person = get_or_404(User, user_id)
    form = RolesForm()
    status = 200
    if request.method == "GET":
        form.fill(person.role_set)
    elif form.validate_on_submit():
        try:
            set_roles(current_user, person, form.chosen_roles())
        except DomainError as exc:
            form.admin.errors.append(exc.message)
            status = exc.status
        else:
            flash(_("The roles of %(name)s were saved.", name=person.display_name), "success")
            return redirect(url_for("admin.user", user_id=person.id), 303)
    else:
        status = 400
    return _render_user(person, form, status=status)


def _render_user(
    person: User,
    form: RolesForm,
    *,
    suspend_form: SuspendForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    changes = db.session.scalars(
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor))
        .where(AuditEntry.object_type == User.__tablename__, AuditEntry.object_id == str(person.id))
        .order_by(AuditEntry.id.desc())
        .limit(RECENT_CHANGES)
    ).all()
    return render_template(
        "admin/user.html",
        person=person,
        form=form,
        grantable=GRANTABLE_ROLES,
        changes=changes,
        describe=describe,
        suspend_form=suspend_form or SuspendForm(formdata=None),
        lift_form=LiftSuspensionForm(formdata=None),
    ), status


# --- suspension (the rules are in moderation.services) ---------------------------


@bp.post("/users/<int:user_id>/suspend")
def suspend_user(user_id: int):  # noqa: ANN201
    require(can_suspend_users(current_user))
    person = get_or_404(User, user_id)
    form = SuspendForm()
    status = 400
    if form.validate_on_submit():
        try:
            moderation.suspend_user(current_user, person, form.reason.data or "")
        except DomainError as exc:
            form.reason.errors = [*form.reason.errors, exc.message]
            status = exc.status
        else:
            flash(_("%(name)s is suspended and logged out.", name=person.display_name), "success")
            return redirect(url_for("admin.user", user_id=person.id), 303)
    roles = RolesForm(formdata=None)
    roles.fill(person.role_set)
    return _render_user(person, roles, suspend_form=form, status=status)


@bp.post("/users/<int:user_id>/unsuspend")
def lift_suspension(user_id: int):  # noqa: ANN201
    require(can_suspend_users(current_user))
    person = get_or_404(User, user_id)
    if LiftSuspensionForm().validate_on_submit():
        moderation.lift_suspension(current_user, person)
        flash(_("%(name)s can log in again.", name=person.display_name), "success")
    return redirect(url_for("admin.user", user_id=person.id), 303)


@bp.get("/audit")
def audit():  # noqa: ANN201
    require(can_view_audit(current_user))
    before = request.args.get("before", type=int)
    stmt = (
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(PER_PAGE + 1)
    )
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    entries, has_next = _page(list(db.session.scalars(stmt)))
    return render_template(
        "admin/audit.html",
        entries=entries,
        before=before,
        next_before=entries[-1].id if has_next else None,
        describe=describe,
    )

"""The projects domain's operations: every write goes through here. They flush
but never commit, and raise a domain error with a translatable message.

- ``statuses``: the statuses table (built-ins, labels, adding one);
- ``projects``: creating and editing pages, status changes, updates, following;
- ``items``: impact goals, contacts and links to evaluations.
"""

from inhabithon.projects.services.items import (
    GoalData,
    add_contact,
    add_goal,
    add_link,
    is_web_address,
    remove_contact,
    remove_goal,
    remove_link,
    update_goal,
)
from inhabithon.projects.services.projects import (
    RESERVED_SLUGS,
    ProjectData,
    change_status,
    create_project,
    follow,
    followed_question,
    is_following,
    post_update,
    prefill_from_idea,
    touch,
    unfollow,
    update_project,
)
from inhabithon.projects.services.statuses import (
    BUILT_IN_STATUSES,
    INITIAL_STATUS,
    STATUS_LABELS,
    BuiltInStatus,
    add_status,
    seed_statuses,
    status_by_key,
    status_label,
    statuses,
)

__all__ = [
    "BUILT_IN_STATUSES", "INITIAL_STATUS", "RESERVED_SLUGS", "STATUS_LABELS", "BuiltInStatus",
    "GoalData", "ProjectData", "add_contact", "add_goal", "add_link", "add_status",
    "change_status", "create_project", "follow", "followed_question",
    "is_following",
    "is_web_address",
    "post_update", "prefill_from_idea", "remove_contact", "remove_goal", "remove_link",
    "seed_statuses", "status_by_key", "status_label", "statuses", "touch", "unfollow",
    "update_goal", "update_project",
]  # fmt: skip

"""Every domain's models, imported in one place so the metadata is complete
(for Alembic and for tests)."""

from inhabithon.accounts.models import Role, User, UserRole
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.db import Base
from inhabithon.events.models import Event
from inhabithon.ideas.models import (
    AuthorDisplay,
    Idea,
    IdeaMember,
    IdeaStatus,
    MemberStatus,
    Origin,
)
from inhabithon.jury.models import (
    JuryAssignment,
    JuryConflict,
    JuryCriterion,
    JuryMode,
    JuryRound,
    JuryScore,
    JuryScoreSheet,
    Juror,
    Normalization,
    PairwiseComparison,
)
from inhabithon.projects.models import (
    ImpactGoal,
    Project,
    ProjectContact,
    ProjectFollower,
    ProjectLink,
    ProjectSlug,
    ProjectStatus,
    ProjectStatusChange,
    ProjectUpdate,
)
from inhabithon.results.models import Award, AwardKind, ChallengeResult, RankingOverride
from inhabithon.votes.models import Ballot, Vote

__all__ = [
    "AuditEntry", "AuthorDisplay", "Ballot", "Base", "Challenge", "Comment", "CommentStatus",
    "Event", "Idea", "IdeaMember", "IdeaStatus", "MemberStatus", "Origin", "Phase", "Role",
    "User", "UserRole", "Vote",
    "Award", "AwardKind", "ChallengeResult", "JuryAssignment", "JuryConflict", "JuryCriterion",
    "JuryMode", "JuryRound", "JuryScore", "JuryScoreSheet", "Juror", "Normalization",
    "PairwiseComparison", "RankingOverride",
    "ImpactGoal", "Project", "ProjectContact", "ProjectFollower", "ProjectLink", "ProjectSlug",
    "ProjectStatus", "ProjectStatusChange", "ProjectUpdate",
]  # fmt: skip

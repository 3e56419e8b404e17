"""Every domain's models, imported in one place so the metadata is complete
(for Alembic and for tests)."""

from inhabithon.accounts.models import AccountToken, Pseudonym, Role, TokenPurpose, User, UserRole
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
    IdeaTracking,
    MemberStatus,
    Origin,
)
from inhabithon.jury.models import (
    Juror,
    JuryAssignment,
    JuryConflict,
    JuryCriterion,
    JuryMode,
    JuryRound,
    JuryScore,
    JuryScoreSheet,
    Normalization,
    PairwiseComparison,
)
from inhabithon.mail.models import OutgoingMail
from inhabithon.moderation.models import Flag, ModerationAction, ModerationKind
from inhabithon.notifications.models import (
    ChallengeFollower,
    ChallengePhaseMark,
    EmailMode,
    EmailState,
    IdeaFollower,
    Notification,
    NotificationKind,
    NotificationSetting,
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
from inhabithon.weekend.models import (
    AttendanceSettings,
    Diet,
    EventOfficial,
    ProgrammeItem,
    Signup,
    SignupStatus,
)

__all__ = [
    "AccountToken",
    "AttendanceSettings",
    "AuditEntry",
    "AuthorDisplay",
    "Award",
    "AwardKind",
    "Ballot",
    "Base",
    "Challenge",
    "ChallengeResult",
    "Comment",
    "CommentStatus",
    "Diet",
    "Event",
    "EventOfficial",
    "Flag",
    "Idea",
    "IdeaMember",
    "IdeaStatus",
    "IdeaTracking",
    "ImpactGoal",
    "Juror",
    "JuryAssignment",
    "JuryConflict",
    "JuryCriterion",
    "JuryMode",
    "JuryRound",
    "JuryScore",
    "JuryScoreSheet",
    "MemberStatus",
    "ModerationAction",
    "ModerationKind",
    "Normalization",
    "Origin",
    "OutgoingMail",
    "PairwiseComparison",
    "Phase",
    "ProgrammeItem",
    "Project",
    "ProjectContact",
    "ProjectFollower",
    "ProjectLink",
    "ProjectSlug",
    "ProjectStatus",
    "ProjectStatusChange",
    "ProjectUpdate",
    "Pseudonym",
    "RankingOverride",
    "Role",
    "Signup",
    "SignupStatus",
    "TokenPurpose",
    "User",
    "UserRole",
    "Vote",
    "ChallengeFollower",
    "ChallengePhaseMark",
    "EmailMode",
    "EmailState",
    "IdeaFollower",
    "Notification",
    "NotificationKind",
    "NotificationSetting",
]  # fmt: skip

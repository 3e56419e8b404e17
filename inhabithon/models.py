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
from inhabithon.teams.models import (
    BoardPost,
    JoinRequest,
    RequestStatus,
    Team,
    TeamMember,
    TeamRole,
)
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
    "BoardPost",
    "Challenge",
    "ChallengeFollower",
    "ChallengePhaseMark",
    "ChallengeResult",
    "Comment",
    "CommentStatus",
    "Diet",
    "EmailMode",
    "EmailState",
    "Event",
    "EventOfficial",
    "Flag",
    "Idea",
    "IdeaFollower",
    "IdeaMember",
    "IdeaStatus",
    "IdeaTracking",
    "ImpactGoal",
    "JoinRequest",
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
    "Notification",
    "NotificationKind",
    "NotificationSetting",
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
    "RequestStatus",
    "Role",
    "Signup",
    "SignupStatus",
    "Team",
    "TeamMember",
    "TeamRole",
    "TokenPurpose",
    "User",
    "UserRole",
    "Vote",
]  # fmt: skip

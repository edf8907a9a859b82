"""SQLAlchemy models by domain; import from here."""
from mediation.models.audit import CaseEvent
from mediation.models.cases import Case, CaseCategory, Claim, Deadline, Party, Round
from mediation.models.documents import Document, NumberSequence
from mediation.models.orgs import Organisation
from mediation.models.users import User
from mediation.models.tokens import ApiToken
from mediation.models.evidence import Evidence  # noqa: F401
from mediation.models.notifications import Notification, NotificationPreference  # noqa: F401
from mediation.models.desk import ConflictDeclaration, MediationSession, Referral  # noqa: F401
from mediation.models.reports import StoredReport  # noqa: F401

__all__ = ["ApiToken", "Case", "CaseCategory", "CaseEvent", "Claim", "Deadline", "Document", "NumberSequence",
           "Organisation", "Party", "Round", "User"]

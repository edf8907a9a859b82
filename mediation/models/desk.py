"""The mediator desk's records: mediation sessions (调解笔录), referrals, and declared conflicts (回避)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.users import User

REFERRAL_KINDS = ("legal_consultation", "legal_aid", "psychological_counselling", "hardship_assistance")
REFERRAL_LABELS = {
    "legal_consultation": ("Legal consultation", "法律咨询"),
    "legal_aid": ("Legal aid", "法律援助"),
    "psychological_counselling": ("Psychological counselling", "心理疏导"),
    "hardship_assistance": ("Hardship assistance", "困难帮扶"),
}


class MediationSession(db.Model):
    """One mediation session as recorded (调解笔录): appended, never edited in place."""
    __tablename__ = "mediation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    held_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[str] = mapped_column(Text)
    #: What each party said, as the recorder wrote it down.
    statements: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    recorded_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<MediationSession {self.id} case={self.case_id} {self.held_at}>"


@event.listens_for(MediationSession, "before_update")
def _sessions_are_append_only(_mapper, _connection, target: MediationSession) -> None:
    # A record signed by the participants is evidence; a correction is a new session record.
    raise RuntimeError(f"mediation session {target.id} is append-only: record a new session instead")


class Referral(db.Model):
    """A referral made for the worker to another service, and what came of it."""
    __tablename__ = "referrals"
    __table_args__ = (CheckConstraint(f"kind IN {REFERRAL_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    outcome_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Referral {self.id} case={self.case_id} {self.kind}>"


class ConflictDeclaration(db.Model):
    """A staff member's declared relation to a person or employer: they may not mediate such cases."""
    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    party_name: Mapped[str | None] = mapped_column(String(100))
    #: HMAC of the person's ID number (mediation.services.assignment.id_number_hash); never the number.
    party_id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ConflictDeclaration {self.id} user={self.user_id}>"

"""The case, its parties, claims, categories, rounds (one per tier attempt) and deadlines.

All times are stored as naive Beijing time (Asia/Shanghai, UTC+8, no daylight saving): every
user, deadline and statute of this system lives in that zone. mediation.sla.clock makes them.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.orgs import Organisation
from mediation.models.users import User
from workflows.lifecycle import STATE_NAMES, TIMERS

CHANNELS = ("online", "walk_in", "hotline_12351", "chair_reception_day", "arbitration_delegated", "referral")
CATEGORIES = ("wages", "social_insurance", "termination", "work_injury", "overtime", "severance", "other")
CATEGORY_LABELS = {
    "wages": ("Unpaid wages", "劳动报酬"),
    "social_insurance": ("Social insurance", "社会保险"),
    "termination": ("Dismissal or termination", "解除/终止劳动合同"),
    "work_injury": ("Work injury", "工伤"),
    "overtime": ("Overtime", "加班"),
    "severance": ("Compensation or severance", "经济补偿/赔偿金"),
    "other": ("Other", "其他"),
}
CHANNEL_LABELS = {
    "online": ("Online", "网上申请"),
    "walk_in": ("Walk-in", "来访"),
    "hotline_12351": ("12351 hotline", "12351热线"),
    "chair_reception_day": ("Chair's reception day", "主席接待日"),
    "arbitration_delegated": ("Delegated by arbitration", "仲裁委派"),
    "referral": ("Referral", "转介"),
}
#: How a mediation round ended. agreed/failed/expired are "concluded" for statistics (DOMAIN §5).
ROUND_OUTCOMES = ("agreed", "failed", "expired", "rejected", "withdrawn")
DEADLINE_STATUSES = ("open", "warned", "met", "breached", "cancelled")
COLLECTIVE_MIN = 10  # 调解仲裁法 art. 7: ten or more workers with a common claim


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"state IN {STATE_NAMES}", name="state"),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint("tier BETWEEN 1 AND 3", name="tier"),
        # The queue sorts by (next_due, id): indexes ending in both serve a page without a sort.
        Index("ix_cases_org_state_next_due", "org_id", "state", "next_due", "id"),
        Index("ix_cases_state_next_due", "state", "next_due", "id"),
        Index("ix_cases_next_due_id", "next_due", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    #: HMAC of the worker's query code; the code itself is shown once at filing.
    query_code_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(30), default="submitted", index=True)
    #: Optimistic lock: every UPDATE says WHERE version = the version read (SQLAlchemy version_id_col).
    version: Mapped[int] = mapped_column(default=1)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    tier: Mapped[int]
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    filed_at: Mapped[datetime] = mapped_column(index=True)
    dispute_date: Mapped[date]
    facts: Mapped[str] = mapped_column(Text)
    #: The worker agreed at filing that a failed round goes up a tier without asking again.
    escalation_consent: Mapped[bool] = mapped_column(default=False)
    pipl_consent_at: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(String(5), default="zh")
    is_collective: Mapped[bool] = mapped_column(default=False)

    respondent_name: Mapped[str] = mapped_column(String(200))
    respondent_uscc: Mapped[str | None] = mapped_column(String(18))
    respondent_address: Mapped[str] = mapped_column(String(300), default="")
    respondent_contact: Mapped[str] = mapped_column(String(200), default="")
    respondent_legal_rep: Mapped[str] = mapped_column(String(100), default="")

    #: Earliest due time of the case's open deadlines, kept in step by mediation.sla.deadlines so
    #: the queue sorts by deadline through an index.
    next_due: Mapped[datetime | None]
    extended_days: Mapped[int] = mapped_column(default=0)
    performance_date: Mapped[date | None]
    amount_agreed: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    agreement_terms: Mapped[str | None] = mapped_column(Text)
    non_performance_reported_at: Mapped[datetime | None]
    handed_to_arbitration_at: Mapped[datetime | None] = mapped_column(index=True)
    arbitration_case_no: Mapped[str | None] = mapped_column(String(60))
    arbitration_outcome: Mapped[str | None] = mapped_column(String(30))
    closed_at: Mapped[datetime | None]

    org: Mapped[Organisation] = relationship()
    mediator: Mapped[User | None] = relationship()
    parties: Mapped[list[Party]] = relationship(back_populates="case", order_by="Party.id",
                                                cascade="all, delete-orphan")
    claims: Mapped[list[Claim]] = relationship(back_populates="case", order_by="Claim.id",
                                               cascade="all, delete-orphan")
    category_rows: Mapped[list[CaseCategory]] = relationship(cascade="all, delete-orphan")
    rounds: Mapped[list[Round]] = relationship(back_populates="case", order_by="Round.seq",
                                               cascade="all, delete-orphan")
    deadlines: Mapped[list[Deadline]] = relationship(back_populates="case", order_by="Deadline.id",
                                                     cascade="all, delete-orphan")

    # One increment per fired trigger (set by the lifecycle service), however many flushes it takes;
    # every UPDATE still says WHERE version = the version read.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def categories(self) -> list[str]:
        return [row.category for row in self.category_rows]

    @property
    def current_round(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def applicants(self) -> list[Party]:
        return list(self.parties)

    @property
    def amount_claimed(self) -> Decimal:
        return sum((claim.amount for claim in self.claims), Decimal("0"))

    def open_deadlines(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.status in ("open", "warned")]

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.number} {self.state}>"


class CaseCategory(db.Model):
    """One dispute category of a case; a table (not JSON) so reports can GROUP BY it in SQL."""
    __tablename__ = "case_categories"
    __table_args__ = (CheckConstraint(f"category IN {CATEGORIES}", name="category"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class Party(db.Model):
    """An applicant worker. The ID number is stored encrypted (PIPL) with a masked copy for display."""
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number_encrypted: Mapped[str] = mapped_column(Text)
    id_number_masked: Mapped[str] = mapped_column(String(24))
    birth_date: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(6))
    phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    is_representative: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship(back_populates="parties")


class Claim(db.Model):
    __tablename__ = "claims"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    case: Mapped[Case] = relationship(back_populates="claims")


class Round(db.Model):
    """One attempt at mediation at one organisation: the unit of success-rate statistics."""
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR outcome IN {ROUND_OUTCOMES}", name="outcome"),
        Index("ix_rounds_ended_outcome", "ended_at", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    tier: Mapped[int]
    channel: Mapped[str] = mapped_column(String(30))
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    received_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    amount_agreed: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: Why the round ended (rejection or failure reason), for documents and the record.
    reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="rounds")
    org: Mapped[Organisation] = relationship()
    mediator: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class Deadline(db.Model):
    """A statutory timer: a row the sweeper finds through an index when it is due (DESIGN §5)."""
    __tablename__ = "deadlines"
    __table_args__ = (
        CheckConstraint(f"kind IN {tuple(TIMERS)}", name="kind"),
        CheckConstraint(f"status IN {DEADLINE_STATUSES}", name="status"),
        Index("ix_deadlines_status_due_at", "status", "due_at"),
        Index("ix_deadlines_status_warn_at", "status", "warn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    #: The day the term runs from (not counted), its length and unit; None for a fixed date.
    start_date: Mapped[date | None]
    days: Mapped[int | None]
    unit: Mapped[str | None] = mapped_column(String(10))
    due_date: Mapped[date]
    #: The moment of breach: the end of the due day (00:00 Beijing time the day after).
    due_at: Mapped[datetime]
    warn_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="open")
    #: The due date was computed over a year whose holiday schedule is not yet published.
    provisional: Mapped[bool] = mapped_column(default=False)
    provisional_years: Mapped[str] = mapped_column(String(40), default="")
    #: The latest due date already printed on a document served on a party: a recomputation may
    #: never move the deadline earlier than this.
    served_due_date: Mapped[date | None]
    warned_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="deadlines")

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "warned")

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and now >= self.due_at

    def __repr__(self) -> str:
        return f"<Deadline {self.id} {self.kind} {self.due_date} {self.status}>"





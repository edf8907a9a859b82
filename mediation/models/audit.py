"""The append-only case history: every fired trigger, timer action and audited access."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.users import User


class CaseEvent(db.Model):
    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    #: "transition", "filed", "deadline_warning", "deadline_breached", "deadline_recomputed",
    #: "id_revealed", "note", ...
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Who acted, as shown: a username, "worker" or "system".
    actor_label: Mapped[str] = mapped_column(String(100))
    trigger: Mapped[str | None] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Shown on the worker's tracking timeline; internal notes and accesses are not.
    public: Mapped[bool] = mapped_column(default=False)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CaseEvent {self.id} case={self.case_id} {self.kind} {self.trigger}>"

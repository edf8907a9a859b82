"""Statutory documents a transition produces, and gap-free number sequences."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db

DOCUMENT_STATUSES = ("pending", "issued", "failed")


class Document(db.Model):
    """A document queued by a transition in its own transaction; rendered to PDF after commit.

    A row is never changed once issued: a correction is a new row whose `replaces_id` names it.
    """
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    #: The printed title (调解不成告知书 or 终止调解告知书 for one kind, by the trigger that made it).
    title: Mapped[str | None] = mapped_column(String(100))
    #: Allocated in the transaction that queues the document: gap-free per organisation, kind and year.
    number: Mapped[str | None] = mapped_column(String(60), unique=True)
    #: The row the document is about: the MediationSession of a 调解笔录, the Document whose service a
    #: 送达回证 proves.
    source_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(300))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime]
    issued_at: Mapped[datetime | None]
    #: When it was served on the worker; from then on the worker can download it.
    served_at: Mapped[datetime | None]
    #: Who it was served on and how (电子送达 "electronic", 直接送达 "in_person").
    served_to: Mapped[str | None] = mapped_column(String(200))
    service_method: Mapped[str | None] = mapped_column(String(20))

    case = relationship("Case")

    @property
    def is_issued(self) -> bool:
        return self.status == "issued"

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.kind} {self.number} {self.status}>"


class NumberSequence(db.Model):
    """The last number used in a scope and year (case numbers, document numbers), no gaps."""
    __tablename__ = "number_sequences"
    __table_args__ = (UniqueConstraint("scope", "year", name="uq_number_sequences_scope_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    last: Mapped[int] = mapped_column(default=0)

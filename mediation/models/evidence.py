"""Evidence a worker (or staff) uploads to a case: files kept outside the web root, by hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.extensions import db


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The name the uploader's device gave the file (shown, never used as a path).
    filename: Mapped[str] = mapped_column(String(200))
    #: Decided from the file's first bytes, not from the name or the browser's claim.
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    #: Relative to DATA_DIR/evidence.
    path: Mapped[str] = mapped_column(String(300))
    uploaded_at: Mapped[datetime]
    #: "worker" or a staff username.
    uploaded_by: Mapped[str] = mapped_column(String(100))

    def __repr__(self) -> str:
        return f"<Evidence {self.id} case={self.case_id} {self.filename}>"

"""The organisation tree: federation (tier 3) → stations (tier 2) → enterprise committees (tier 1)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db

KINDS = ("federation", "station", "enterprise", "arbitration")
TIER_OF_KIND = {"enterprise": 1, "station": 2, "federation": 3}
KIND_LABELS = {
    "federation": ("District federation of trade unions", "总工会"),
    "station": ("Union service station", "工会服务站"),
    "enterprise": ("Enterprise mediation committee", "企业劳动争议调解委员会"),
    "arbitration": ("Labour arbitration commission", "劳动人事争议仲裁委员会"),
}
#: The kind each kind's parent must be (the arbitration commission stands outside the tree).
PARENT_KIND = {"federation": None, "station": "federation", "enterprise": "station", "arbitration": None}


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(f"kind IN {KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: Phone or address shown to workers as the way to reach the organisation.
    contact: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    #: For an enterprise: its unified social credit code, to match a respondent employer.
    uscc: Mapped[str | None] = mapped_column(String(18))

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent")

    @property
    def tier(self) -> int | None:
        return TIER_OF_KIND.get(self.kind)

    def descendant_ids(self) -> list[int]:
        """Return this organisation's id and those of everything below it."""
        ids = [self.id]
        for child in self.children:
            ids.extend(child.descendant_ids())
        return ids

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.code} {self.kind}>"

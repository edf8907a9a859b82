"""Staff accounts. Workers have none: they reach their case with its number and query code."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from mediation.extensions import db
from mediation.models.orgs import Organisation

ROLES = ("mediator", "chair", "manager", "liaison", "admin")
#: The languages a staff member may choose for their pages and notifications.
LANGUAGES = ("zh", "en")
ROLE_LABELS = {
    "mediator": ("Mediator", "调解员"),
    "chair": ("Chair", "主任/站长"),
    "manager": ("Manager", "管理人员"),
    "liaison": ("Arbitration liaison", "仲裁联络员"),
    "admin": ("Administrator", "系统管理员"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    #: "zh" or "en": the staff member's notifications and, unless they pick another with ?lang, their pages.
    language: Mapped[str] = mapped_column(String(5), default="zh", server_default="zh")
    #: Consecutive failed logins, and until when the account is locked after too many.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]

    org: Mapped[Organisation] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        # Tests set a cheaper method; production keeps Werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"

"""The notification outbox: one row per message to one recipient on one channel (issue: notifications).

A row is written in the same transaction as the event that causes it (so a rolled-back transition
notifies nobody); the delivery job sends it after commit. An in-app row is its own message.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.users import User

NOTIFICATION_CHANNELS = ("app", "email", "sms")
NOTIFICATION_STATUSES = ("pending", "sending", "sent", "failed")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"channel IN {NOTIFICATION_CHANNELS}", name="channel"),
        CheckConstraint(f"status IN {NOTIFICATION_STATUSES}", name="status"),
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_notifications_user_channel_read_at", "user_id", "channel", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (event, recipient, channel, template): a retry or a second hook run never writes a second row.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id", ondelete="SET NULL"))
    #: worker, org_staff, chairs, assigned_mediator, liaison, managers (workflows/notifications.py).
    recipient_kind: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: A phone number (sms) or an e-mail address; empty for in-app.
    address: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(5), default="zh")
    template: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    #: SMS only: how many messages the text takes (70 Chinese characters fit one; 67 per part beyond).
    parts: Mapped[int] = mapped_column(default=1)
    #: Delivered even in quiet hours (the receipt with the query code).
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    #: When a deliverer claimed the row (status "sending"); a row stuck there is reported, not resent.
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    user: Mapped[User | None] = relationship()
    case = relationship("Case")

    @property
    def is_unread(self) -> bool:
        return self.channel == "app" and self.read_at is None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.channel} {self.template} {self.status}>"


class NotificationPreference(db.Model):
    """A staff member's choices; no row means the defaults (e-mail on)."""
    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_notifications: Mapped[bool] = mapped_column(default=True)

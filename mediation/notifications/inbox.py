"""The in-app side: a staff member's notifications, unread count, marking read, preferences;
and the administrators' list of failed deliveries. Plain functions taking the user explicitly."""
from __future__ import annotations

from sqlalchemy import func, select, update

from mediation.extensions import db
from mediation.models.notifications import Notification, NotificationPreference
from mediation.notifications import delivery
from mediation.services import errors
from mediation.sla import clock

PAGE_SIZE = 50


def _mine(user):
    return (Notification.user_id == user.id) & (Notification.channel == "app")


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(_mine(user), Notification.read_at.is_(None)))


def list_for(user, *, unread_only: bool = False, limit: int = PAGE_SIZE) -> list[Notification]:
    query = select(Notification).where(_mine(user))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return db.session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                              .limit(limit)).all()


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of the user's own in-app notifications read; anyone else's is not found."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id or row.channel != "app":
        raise errors.NotFound("No such notification.", "没有这条通知。")
    if row.read_at is None:
        row.read_at = clock.local_now()
        db.session.commit()
    return row


def mark_all_read(user) -> int:
    result = db.session.execute(update(Notification).where(_mine(user), Notification.read_at.is_(None))
                                .values(read_at=clock.local_now()).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def email_enabled(user) -> bool:
    pref = db.session.get(NotificationPreference, user.id)
    return pref is None or pref.email_notifications


def set_email_enabled(user, enabled: bool) -> None:
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.email_notifications = bool(enabled)
    db.session.commit()


def _require_admin(actor) -> None:
    if getattr(actor, "role", None) != "admin":
        raise errors.Forbidden("Only administrators see delivery failures.", "只有系统管理员可以查看发送失败的通知。")


def failed_deliveries(actor, limit: int = 200) -> list[Notification]:
    """Failed deliveries, newest first, for administrators (addresses shown, contents not)."""
    _require_admin(actor)
    return db.session.scalars(select(Notification).where(Notification.status == "failed")
                              .order_by(Notification.id.desc()).limit(limit)).all()


def retry_failed(actor, notification_id: int) -> Notification:
    _require_admin(actor)
    row = db.session.get(Notification, notification_id)
    if row is None or row.status != "failed":
        raise errors.NotFound("No such failed notification.", "没有这条发送失败的通知。")
    delivery.retry(row)
    return row

"""Deliver the outbox after commit: pending rows that are due, each claimed before it is sent.

A row is claimed with a conditional UPDATE (pending → sending) in its own transaction, like the
sweeper's deadlines: two deliverers never both send it. Once a channel has accepted it the row is
`sent` and no later run looks at it again; a failure counts an attempt and waits (back-off) or, at
the limit, becomes `failed` for an administrator. A row left in `sending` by a crashed deliverer is
marked failed rather than resent, since it may have gone out (never send twice).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from mediation.extensions import db
from mediation.models.notifications import Notification
from mediation.notifications import quiet
from mediation.notifications.channels import channel_for
from mediation.sla import clock

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class DeliveryResult:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)


def settings() -> dict:
    return current_app.config["MEDIATION"].get("notifications", {})


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure (1, 5, 30, 120 minutes by default)."""
    steps = settings().get("retry_backoff_minutes", [1, 5, 30, 120])
    return timedelta(minutes=steps[min(attempts, len(steps)) - 1])


def _claim(row_id: int, now: datetime) -> Notification | None:
    result = db.session.execute(update(Notification).where(Notification.id == row_id,
                                                           Notification.status == "pending")
                                .values(status="sending", claimed_at=now)
                                .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount != 1:
        return None
    row = db.session.get(Notification, row_id)
    db.session.refresh(row)
    return row


def _release_stuck(now: datetime) -> None:
    limit = now - timedelta(minutes=settings().get("stuck_after_minutes", 15))
    db.session.execute(update(Notification).where(Notification.status == "sending", Notification.claimed_at < limit)
                       .values(status="failed", last_error="The deliverer stopped while sending: it may or may not"
                               " have gone out. Check the provider's log before retrying.")
                       .execution_options(synchronize_session=False))
    db.session.commit()


def deliver_pending(now: datetime | None = None, limit: int = BATCH) -> DeliveryResult:
    """Send every pending notification due at `now` (default: the clock's now); return what happened."""
    now = (now or clock.local_now()).replace(tzinfo=None)
    result = DeliveryResult()
    _release_stuck(now)
    ids = db.session.scalars(select(Notification.id).where(Notification.status == "pending",
                                                           Notification.next_attempt_at <= now)
                             .order_by(Notification.next_attempt_at, Notification.id).limit(limit)).all()
    db.session.commit()
    for row_id in ids:
        row = _claim(row_id, now)
        if row is None:
            continue  # another deliverer has it
        deliver_one(row, now, result)
    return result


def deliver_one(row: Notification, now: datetime, result: DeliveryResult) -> None:
    if row.channel == "sms" and not row.urgent and quiet.is_quiet(now):
        row.status, row.next_attempt_at, row.claimed_at = "pending", quiet.release_time(now), None
        db.session.commit()
        result.held.append(row.id)
        return
    try:
        channel_for(row.channel).send(row)
    except Exception as exc:  # any channel error is one failed attempt, never the caller's problem
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.claimed_at = None
        if row.attempts >= settings().get("max_attempts", 5):
            row.status = "failed"
            result.failed.append(row.id)
            log.warning("notification %s failed for good: %s", row.id, row.last_error)
        else:
            row.status, row.next_attempt_at = "pending", now + backoff(row.attempts)
            result.retrying.append(row.id)
        db.session.commit()
        return
    row.attempts += 1
    row.status, row.sent_at, row.last_error = "sent", now, None
    db.session.commit()
    result.sent.append(row.id)


def retry(row: Notification, now: datetime | None = None) -> None:
    """An administrator sends a failed notification again (attempts start over)."""
    if row.status != "failed":
        return
    row.status, row.attempts, row.next_attempt_at, row.claimed_at = "pending", 0, now or clock.local_now(), None
    db.session.commit()

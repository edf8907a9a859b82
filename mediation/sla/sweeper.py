"""The sweeper: one pass over the deadline rows that are due, firing what their breach calls for.

It reads only due rows through the (status, warn_at) and (status, due_at) indexes, so a sweep costs
the same whatever the number of open cases. Each row is claimed with a conditional UPDATE (status
still open) in its own transaction: a second sweeper, or a second run, finds nothing left to claim,
so nothing fires twice (the row lock on PostgreSQL, the single writer on SQLite).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from mediation.extensions import db
from mediation.models import Case, CaseEvent, Deadline
from mediation.services import errors
from mediation.services.actors import SYSTEM
from mediation.services.events import record
from mediation.services.lifecycle import fire_uncommitted, run_after_commit
from mediation.sla import clock
from mediation.sla.deadlines import refresh_next_due
from workflows.lifecycle import TIMERS

log = logging.getLogger(__name__)
BATCH = 500

#: Functions called as fn(deadline, "warning" | "breach") after the sweep commits it (notifications).
AFTER_SWEEP: list = []


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    fired: list[tuple[str, str]] = field(default_factory=list)


def _claim(deadline_id: int, from_statuses: tuple[str, ...], values: dict) -> Deadline | None:
    """Move the row out of `from_statuses` if it is still there; None when another sweep took it."""
    result = db.session.execute(update(Deadline).where(Deadline.id == deadline_id,
                                                       Deadline.status.in_(from_statuses))
                                .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return None
    deadline = db.session.get(Deadline, deadline_id)
    db.session.refresh(deadline)
    return deadline


def _notify(deadline: Deadline, kind: str) -> None:
    for hook in AFTER_SWEEP:
        try:
            hook(deadline, kind)
        except Exception:  # a failed notification never blocks the sweep
            log.exception("after-sweep hook failed for deadline %s", deadline.id)


def _event(deadline: Deadline, kind: str, now: datetime) -> CaseEvent:
    return CaseEvent(case_id=deadline.case_id, at=now, kind=kind, actor_label=SYSTEM.label,
                     data={"kind": deadline.kind, "due": deadline.due_date.isoformat()})


def sweep(now: datetime | None = None) -> SweepResult:
    """Warn about and breach every deadline due at `now` (default: the clock's now)."""
    now = (now or clock.local_now()).replace(tzinfo=None)
    result = SweepResult()

    warn_ids = db.session.scalars(select(Deadline.id).where(
        Deadline.status == "open", Deadline.warn_at <= now, Deadline.due_at > now).limit(BATCH)).all()
    for deadline_id in warn_ids:
        deadline = _claim(deadline_id, ("open",), {"status": "warned", "warned_at": now})
        if deadline is not None:
            record(db.session.get(Case, deadline.case_id), _event(deadline, "deadline_warning", now))
            db.session.commit()
            result.warned.append(deadline_id)
            _notify(deadline, "warning")

    due_ids = db.session.scalars(select(Deadline.id).where(
        Deadline.status.in_(("open", "warned")), Deadline.due_at <= now).limit(BATCH)).all()
    for deadline_id in due_ids:
        deadline = _claim(deadline_id, ("open", "warned"), {"status": "breached", "closed_at": now})
        if deadline is None:
            continue
        case = db.session.get(Case, deadline.case_id)
        record(case, _event(deadline, "deadline_breached", now))
        trigger = TIMERS[deadline.kind]["on_breach"]
        events = []
        try:
            if trigger:
                events = fire_uncommitted(case, trigger, SYSTEM, now=now)
                result.fired.append((case.number, trigger))
            else:
                refresh_next_due(case)
            db.session.commit()
        except (errors.ServiceError, StaleDataError) as exc:  # rolled back; the next sweep sees it again
            log.info("sweeper: breach of deadline %s on %s not processed: %s", deadline_id, case.number, exc)
            db.session.rollback()
            continue
        result.breached.append(deadline_id)
        run_after_commit(case, events)
        _notify(deadline, "breach")
    return result

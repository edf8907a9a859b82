"""Writing a case event: the audit row plus the in-transaction hooks that react to it.

ON_EVENT hooks run inside the transaction that writes the event (the notification outbox writes
its rows there, so a rolled-back transition notifies nobody and a committed one is never lost).
"""
from __future__ import annotations

import logging
from typing import Callable

from mediation.extensions import db
from mediation.models import Case, CaseEvent

log = logging.getLogger(__name__)

#: fn(case, event) called in the same transaction as the event; an exception rolls it all back.
ON_EVENT: list[Callable[[Case, CaseEvent], None]] = []


def record(case: Case, event: CaseEvent) -> CaseEvent:
    """Add the event to the session, flush it (it gets its id), and run the ON_EVENT hooks."""
    db.session.add(event)
    db.session.flush()
    for hook in ON_EVENT:
        hook(case, event)
    return event

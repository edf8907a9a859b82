"""The one "now" of the system. Tests and `sla-sweep --now` move it; nothing else reads the OS clock.

Times are Beijing time. `now()` is timezone-aware (APScheduler needs that); `local_now()` is the
naive form stored in the database (see mediation/models/cases.py).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """Return the current Beijing time, aware."""
    if _frozen is not None:
        return _frozen
    return datetime.now(BEIJING) + _offset


def local_now() -> datetime:
    """Return the current Beijing time, naive, to the second (as stored)."""
    return now().replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()


def as_beijing(moment: datetime) -> datetime:
    """Return `moment` as an aware Beijing time; a naive value is taken to be Beijing time already."""
    return moment.replace(tzinfo=BEIJING) if moment.tzinfo is None else moment.astimezone(BEIJING)


def freeze(moment: datetime | None) -> None:
    """Stop the clock at `moment` (None lets it run again)."""
    global _frozen
    _frozen = as_beijing(moment) if moment is not None else None


def advance(delta: timedelta) -> None:
    """Move the clock forward (or back) by `delta`."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset += delta


def reset() -> None:
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)

"""Deadline rows: start, close, extend and recompute the statutory timers of DESIGN.md §5.

Every due date goes through mediation.sla.calendar; a date computed over a year whose holiday
schedule is unpublished is stored `provisional` with the years it depends on (issue 9).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.models import Case, Deadline
from mediation.sla import calendar
from workflows.lifecycle import STATES, TIMERS


def term_settings(kind: str) -> dict:
    return current_app.config["MEDIATION"]["sla"]["terms"][kind]


def basis(kind: str, lang: str = "zh") -> str:
    """The rule behind a deadline, in words with its article."""
    settings = term_settings(kind)
    return settings["basis_en"] if lang.startswith("en") else settings["basis_zh"]


def end_of_day(day: date) -> datetime:
    """The moment a term ending on `day` is breached: 00:00 the next day, Beijing time."""
    return datetime.combine(day + timedelta(days=1), time())


def _years_text(*terms: calendar.Term | None) -> str:
    years = sorted({year for term in terms if term for year in term.provisional_years})
    return ",".join(str(year) for year in years)


def _apply_dates(deadline: Deadline, due: calendar.Term) -> None:
    """Set due date, breach time, warning time and the provisional flag from a computed term."""
    settings = term_settings(deadline.kind)
    warn = None
    if settings.get("warn_before"):
        warn = calendar.compute_days_before(due.end, settings["warn_before"], settings.get("warn_unit", "calendar"))
    deadline.due_date = due.end
    deadline.due_at = end_of_day(due.end)
    deadline.warn_at = datetime.combine(warn.end, time()) if warn else None
    deadline.provisional_years = _years_text(due, warn)
    deadline.provisional = bool(deadline.provisional_years)


def compute_due(deadline: Deadline) -> calendar.Term:
    """Recompute a deadline's term from its stored start, length and unit."""
    if deadline.unit == "years":
        return calendar.compute_years_term(deadline.start_date, deadline.days)
    if deadline.unit in (calendar.WORKING, calendar.CALENDAR):
        return calendar.compute_term(deadline.start_date, deadline.days, deadline.unit)
    return calendar.Term(deadline.due_date, ())  # a fixed date (performance, delegated) is not computed


def start(case: Case, kind: str, *, round_=None, start_date: date | None = None, due_date: date | None = None,
          extra_days: int = 0) -> Deadline:
    """Open a deadline of `kind` on the case: a term from `start_date`, or a fixed `due_date`."""
    settings = term_settings(kind)
    deadline = Deadline(kind=kind, round_id=round_.id if round_ is not None else None, status="open")
    if due_date is not None:
        deadline.start_date, deadline.days, deadline.unit = None, None, None
        due = calendar.Term(due_date, ())
    elif "years" in settings:
        deadline.start_date, deadline.days, deadline.unit = start_date, settings["years"], "years"
        due = calendar.compute_years_term(start_date, settings["years"])
    else:
        deadline.start_date, deadline.days, deadline.unit = start_date, settings["days"] + extra_days, settings["unit"]
        due = calendar.compute_term(start_date, deadline.days, deadline.unit)
    _apply_dates(deadline, due)
    case.deadlines.append(deadline)
    return deadline


def start_state_timers(case: Case, state: str, now: datetime) -> list[Deadline]:
    """Open the timers that `state` names, counted from the moment each one's declaration says."""
    opened = []
    current_round = case.current_round
    for kind in STATES[state].get("timers", []):
        source = TIMERS[kind]["from"]
        if source == "round_received":
            extra = case.extended_days if kind == "mediation" else 0
            opened.append(start(case, kind, round_=current_round,
                                start_date=current_round.received_at.date(), extra_days=extra))
        elif source == "performance_date":
            opened.append(start(case, kind, round_=current_round, due_date=case.performance_date))
        else:  # handed_over, arbitration_received: counted from today
            opened.append(start(case, kind, start_date=now.date()))
    return opened


def close(deadline: Deadline, now: datetime, *, cancelled: bool = False) -> None:
    """Close an open deadline: met if before its breach time, breached after, or cancelled."""
    if not deadline.is_open:
        return
    if cancelled:
        deadline.status = "cancelled"
    else:
        deadline.status = "breached" if now >= deadline.due_at else "met"
    deadline.closed_at = now


def close_state_timers(case: Case, state: str, now: datetime, *, cancelled: bool = False) -> None:
    kinds = set(STATES[state].get("timers", []))
    for deadline in case.open_deadlines():
        if deadline.kind in kinds:
            close(deadline, now, cancelled=cancelled)


def close_kind(case: Case, kind: str, now: datetime, *, cancelled: bool = True) -> None:
    for deadline in case.open_deadlines():
        if deadline.kind == kind:
            close(deadline, now, cancelled=cancelled)


def extend(case: Case, kind: str, extra_days: int) -> Deadline | None:
    """Lengthen the open deadline of `kind` by `extra_days` of its own unit."""
    for deadline in case.open_deadlines():
        if deadline.kind == kind:
            deadline.days += extra_days
            _apply_dates(deadline, compute_due(deadline))
            if deadline.status == "warned":
                deadline.status, deadline.warned_at = "open", None  # a new warning before the new date
            return deadline
    return None


def refresh_next_due(case: Case) -> None:
    """Keep the case's denormalised next due time (the queue's sort key) in step."""
    open_due = [d.due_at for d in case.open_deadlines() if d.kind != "limitation"]
    case.next_due = min(open_due) if open_due else None


def next_deadline(case: Case) -> Deadline | None:
    open_rows = [d for d in case.open_deadlines() if d.kind != "limitation"]
    return min(open_rows, key=lambda d: d.due_at) if open_rows else None


def recompute_provisional(years: set[int] | None = None) -> list[tuple[Deadline, date, date]]:
    """Recompute open provisional deadlines (those depending on `years`, or all); return the changes.

    A date already served on a party is never moved earlier (issue 9): the served date stands.
    The caller writes the audit events and commits.
    """
    rows = db.session.scalars(select(Deadline).where(Deadline.status.in_(("open", "warned")),
                                                     Deadline.provisional.is_(True))).all()
    changes = []
    for deadline in rows:
        depends_on = {int(y) for y in deadline.provisional_years.split(",") if y}
        if years is not None and not depends_on & years:
            continue
        old_due = deadline.due_date
        term = compute_due(deadline)
        if deadline.served_due_date and term.end < deadline.served_due_date:
            term = calendar.Term(deadline.served_due_date, term.provisional_years)
        _apply_dates(deadline, term)
        if deadline.due_date != old_due:
            changes.append((deadline, old_due, deadline.due_date))
    return changes


def provisional_open_count() -> dict[int, int]:
    """How many open deadlines depend on each provisional year."""
    rows = db.session.execute(select(Deadline.provisional_years, func.count())
                              .where(Deadline.status.in_(("open", "warned")), Deadline.provisional.is_(True))
                              .group_by(Deadline.provisional_years)).all()
    counts: dict[int, int] = {}
    for years, count in rows:
        for year in filter(None, years.split(",")):
            counts[int(year)] = counts.get(int(year), 0) + count
    return counts

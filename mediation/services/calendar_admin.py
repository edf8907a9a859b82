"""Loading a year's holiday schedule: recompute the provisional deadlines that depend on it (issue 9)."""
from __future__ import annotations

from datetime import date

from flask import current_app

from mediation.config import read_toml
from mediation.extensions import db
from mediation.models import Case, CaseEvent
from mediation.sla import calendar, clock, deadlines


def reload_schedules(schedules: dict | None = None) -> list[dict]:
    """Load the configured schedules and recompute every open provisional deadline that a newly
    published year affects (all of them lose the flag; one audit event per moved date)."""
    if schedules is None:
        schedules = read_toml().get("calendar") or {}
        current_app.config["MEDIATION"]["calendar"] = schedules
    calendar.configure(schedules)
    counts = deadlines.provisional_open_count()
    published = {year for year in counts if calendar.schedule_known(year)}
    if not published:
        return []
    now = clock.local_now()
    changes = []
    for deadline, old_due, new_due in deadlines.recompute_provisional(published):
        change = {"case_id": deadline.case_id, "kind": deadline.kind, "old": old_due.isoformat(),
                  "new": new_due.isoformat(), "provisional": deadline.provisional}
        db.session.add(CaseEvent(case_id=deadline.case_id, at=now, kind="deadline_recomputed", actor_label="system",
                                 data={**change, "reason": f"holiday schedule for {sorted(published)} loaded"}))
        changes.append(change)
    for case_id in {change["case_id"] for change in changes}:
        deadlines.refresh_next_due(db.session.get(Case, case_id))
    db.session.commit()
    return changes


def status(today: date | None = None) -> list[dict]:
    """Each year from last year to two years ahead: its source and the open provisional deadlines."""
    today = today or clock.today()
    counts = deadlines.provisional_open_count()
    years = sorted({today.year - 1, today.year, today.year + 1, today.year + 2, *counts})
    return [{**row, "provisional_deadlines": counts.get(row["year"], 0)} for row in calendar.years_status(years)]


def next_year_missing(today: date | None = None) -> int | None:
    """From 1 November, next year while its schedule is not loaded (managers see a notice); else None."""
    today = today or clock.today()
    if today.month >= 11 and not calendar.schedule_known(today.year + 1):
        return today.year + 1
    return None

"""Issue 9: deadlines in a year whose holiday schedule is unpublished are provisional, never an error,
and loading the schedule recomputes them (audited, never earlier than a date served on a party)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from mediation.models import CaseEvent
from mediation.services.calendar_admin import next_year_missing, reload_schedules, status
from mediation.sla import calendar

# An invented 2027 schedule (tests only): a longer New Year break and Spring Festival 5-11 Feb.
SCHEDULE_2027 = {"2027": {"holidays": ["2027-01-01", "2027-01-04", "2027-01-05", "2027-02-05", "2027-02-08",
                                       "2027-02-09", "2027-02-10", "2027-02-11"],
                          "workdays": ["2027-02-20"]}}


def _open(case, kind):
    return next(d for d in case.deadlines if d.kind == kind and d.is_open)


def test_terms_wholly_in_2026_are_not_provisional(orgs, make_case, clock):
    case = make_case("E01", "accept", dispute_date="2026-01-05")
    assert not _open(case, "mediation").provisional


def test_fifteen_days_from_20_december_runs_into_2027_provisionally(orgs, make_case, clock):
    clock.freeze(datetime(2026, 12, 20, 10, 0))
    case = make_case("E01", "accept")
    term = _open(case, "mediation")
    assert term.due_date == date(2027, 1, 4) and term.provisional and term.provisional_years == "2027"


def test_acceptance_across_the_2027_spring_festival_is_provisional(orgs, make_case, clock):
    clock.freeze(datetime(2027, 2, 4, 10, 0))  # Thu; 5-8 Feb rest days by the statutory rule
    case = make_case("E01", dispute_date="2027-01-20")
    acceptance = _open(case, "acceptance")
    assert acceptance.due_date == date(2027, 2, 11) and acceptance.provisional


def test_loading_the_schedule_moves_deadlines_audits_and_clears_the_flag(db, orgs, make_case, clock):
    clock.freeze(datetime(2026, 12, 20, 10, 0))
    moving = make_case("E01", "accept")
    clock.freeze(datetime(2026, 12, 30, 10, 0))
    served = make_case("E02", "accept")
    served_term = _open(served, "mediation")
    assert served_term.due_date == date(2027, 1, 14)
    served_term.served_due_date = date(2027, 1, 14)  # printed in a notice served on the worker
    db.session.commit()
    try:
        changes = reload_schedules(SCHEDULE_2027)
        term = _open(moving, "mediation")
        # 4 Jan 2027 is now a holiday: the term ends on Wed 6 Jan.
        assert term.due_date == date(2027, 1, 6) and not term.provisional
        assert {"kind": "mediation", "old": "2027-01-04", "new": "2027-01-06"}.items() <= next(
            c for c in changes if c["case_id"] == moving.id and c["kind"] == "mediation").items()
        event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == moving.id,
                                                           CaseEvent.kind == "deadline_recomputed")).first()
        assert event.data["old"] == "2027-01-04" and event.data["new"] == "2027-01-06" and event.data["reason"]
        # The served deadline: unchanged by the new schedule here, and never earlier than served.
        assert _open(served, "mediation").due_date >= date(2027, 1, 14)
        assert calendar.schedule_known(2027)
    finally:
        calendar.configure({})


def test_a_served_date_is_never_moved_earlier(db, orgs, make_case, clock):
    clock.freeze(datetime(2026, 12, 20, 10, 0))
    case = make_case("E01", "accept")
    term = _open(case, "mediation")
    term.served_due_date = date(2027, 1, 8)  # a later date was served (e.g. after an earlier schedule)
    db.session.commit()
    try:
        reload_schedules(SCHEDULE_2027)
        assert _open(case, "mediation").due_date == date(2027, 1, 8)
    finally:
        calendar.configure({})


def test_calendar_status_and_reload_commands(app, orgs, make_case, clock, tmp_path, monkeypatch):
    make_case("E01", dispute_date="2026-06-01")
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["calendar-status"])
    assert shown.exit_code == 0
    assert "2027  provisional  no" in shown.output and "calendar-reload" in shown.output
    extra = tmp_path / "deploy.toml"
    extra.write_text('[calendar.2027]\nholidays = ["2027-01-01", "2027-06-01"]\nworkdays = []\n')
    monkeypatch.setenv("MEDIATION_CONFIG", str(extra))
    try:
        reloaded = runner.invoke(args=["calendar-reload"])
        assert reloaded.exit_code == 0, reloaded.output
        assert "limitation: 2027-06-01 → 2027-06-02" in reloaded.output  # limitation now ends after the new holiday
        assert "2027  config       yes" in runner.invoke(args=["calendar-status"]).output
    finally:
        calendar.configure({})


def test_managers_are_told_from_november(app, clock):
    assert next_year_missing(date(2026, 11, 1)) == 2027
    assert next_year_missing(date(2026, 10, 31)) is None
    assert [row["year"] for row in status(date(2026, 11, 25))][:4] == [2025, 2026, 2027, 2028]


def test_start_up_recomputes_with_the_configured_schedule(app, db, orgs, make_case, clock):
    from mediation.sla.scheduler import recompute_on_startup
    clock.freeze(datetime(2026, 12, 20, 10, 0))
    case = make_case("E01", "accept")
    app.config["MEDIATION"]["calendar"] = SCHEDULE_2027
    try:
        assert recompute_on_startup(app) >= 1
        db.session.expire_all()
        assert _open(case, "mediation").due_date == date(2027, 1, 6)
    finally:
        app.config["MEDIATION"]["calendar"] = {}
        calendar.configure({})

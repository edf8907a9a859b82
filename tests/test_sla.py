"""SLA timers: statutory terms on real calendars, warnings and breaches by the sweeper (idempotent,
also with two sweepers at once), and the CLI entry points."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from mediation.models import Case, CaseEvent, Deadline
from mediation.sla.sweeper import sweep
from tests.conftest import walk


def _deadline(case, kind):
    return next(d for d in case.deadlines if d.kind == kind and d.is_open)


def test_fifteen_day_term_ending_in_the_national_day_holiday_is_postponed(orgs, make_case, clock):
    # Received 17 Sep 2026: day 15 is 2 Oct, inside the 1-7 Oct holiday → ends 8 Oct (民诉法 art. 85).
    clock.freeze(datetime(2026, 9, 17, 9, 30))
    case = make_case("E01", "accept", dispute_date="2026-09-01")
    term = _deadline(case, "mediation")
    assert (term.start_date, term.days, term.unit) == (date(2026, 9, 17), 15, "calendar")
    assert term.due_date == date(2026, 10, 8) and not term.provisional
    assert term.due_at == datetime(2026, 10, 9, 0, 0)
    assert term.warn_at == datetime(2026, 10, 5, 0, 0)  # three days before


def test_acceptance_in_working_days_across_national_day_counts_the_adjusted_saturday(orgs, make_case, clock):
    # Received 30 Sep 2026: 1-7 Oct are rest days; Sat 10 Oct is an adjusted working day (调休):
    # working days 8, 9, 10 Oct → due Sat 10 Oct.
    clock.freeze(datetime(2026, 9, 30, 16, 0))
    case = make_case("E01", dispute_date="2026-09-01")
    acceptance = _deadline(case, "acceptance")
    assert acceptance.due_date == date(2026, 10, 10)
    assert acceptance.warn_at == datetime(2026, 10, 9)  # one working day before


def test_limitation_period_restarts_when_mediation_fails(orgs, make_case, clock):
    case = make_case("E01", dispute_date="2026-03-02", escalation_consent=False)
    limitation = _deadline(case, "limitation")
    assert limitation.due_date == date(2027, 3, 2) and limitation.provisional
    assert limitation.provisional_years == "2027"
    clock.advance(timedelta(days=3))
    walk(case, "accept", orgs)
    walk(case, "fail", orgs)
    restarted = _deadline(case, "limitation")
    assert restarted.start_date == date(2026, 11, 28)
    assert restarted.due_date == date(2027, 11, 29)  # 28 Nov 2027 is a Sunday → Monday
    assert restarted.provisional
    assert limitation.status == "cancelled"


def test_sweeper_warns_then_expires_once_however_often_it_runs(db, orgs, make_case, clock):
    case = make_case("E01", "accept", escalation_consent=False)  # received 25 Nov 2026
    term = _deadline(case, "mediation")
    assert term.due_date == date(2026, 12, 10)
    first = sweep(datetime(2026, 12, 8, 9, 0))
    assert first.warned == [term.id] and not first.breached
    assert sweep(datetime(2026, 12, 8, 9, 5)).warned == []
    result = sweep(datetime(2026, 12, 11, 0, 0))
    assert result.fired == [(case.number, "expire")]
    assert sweep(datetime(2026, 12, 11, 0, 1)).fired == []
    db.session.expire_all()
    assert case.state == "failed" and case.current_round.outcome == "expired"
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert kinds.count("deadline_warning") == 1 and kinds.count("deadline_breached") == 1
    assert db.session.get(Deadline, term.id).status == "breached"


def test_expiry_with_consent_escalates_to_the_station(db, orgs, make_case, clock):
    case = make_case("E01", "accept", escalation_consent=True)
    sweep(datetime(2026, 12, 11, 1, 0))
    db.session.expire_all()
    assert (case.state, case.org.code) == ("submitted", "S01")
    triggers = db.session.scalars(select(CaseEvent.trigger).where(CaseEvent.case_id == case.id,
                                                                  CaseEvent.kind == "transition").order_by(CaseEvent.id)).all()
    assert triggers == ["accept", "expire", "escalate"]


def test_two_sweepers_at_once_fire_nothing_twice(app, db, orgs, make_case, clock):
    cases = [make_case("E01", "accept", escalation_consent=False) for _ in range(4)]
    db.session.commit()
    moment = datetime(2026, 12, 11, 0, 30)
    barrier = threading.Barrier(2)
    fired = []

    def run():
        with app.app_context():
            barrier.wait()
            fired.extend(sweep(moment).fired)
            from mediation.extensions import db as thread_db
            thread_db.session.remove()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(fired) == sorted((c.number, "expire") for c in cases)
    expiries = db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.trigger == "expire"))
    assert expiries == 4


def test_acceptance_breach_is_recorded_without_changing_state(db, orgs, make_case):
    case = make_case("E01")
    result = sweep(datetime(2026, 12, 1, 0, 0))  # due Mon 30 Nov (3 working days from Wed 25 Nov)
    assert len(result.breached) == 1 and result.fired == []
    db.session.expire_all()
    assert case.state == "submitted"
    assert db.session.scalars(select(Deadline.status).where(Deadline.case_id == case.id,
                                                            Deadline.kind == "acceptance")).one() == "breached"


def test_meeting_a_term_marks_it_met(orgs, make_case):
    case = make_case("E01", "accept")
    acceptance = next(d for d in case.deadlines if d.kind == "acceptance")
    assert acceptance.status == "met"


def test_cli_sla_sweep_with_now(app, orgs, make_case):
    case = make_case("E01", "accept", escalation_consent=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sla-sweep", "--now", "2026-12-11T09:00"])
    assert result.exit_code == 0, result.output
    assert "fired 1" in result.output and case.number in result.output
    again = runner.invoke(args=["sla-sweep", "--now", "2026-12-11T09:00"])
    assert "fired 0" in again.output
    bad = runner.invoke(args=["sla-sweep", "--now", "next tuesday"])
    assert bad.exit_code == 2 and "ISO-8601" in bad.output


def test_cli_create_org_and_user(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-org", "F01", "--name", "总工会", "--kind", "federation"]).exit_code == 0
    assert runner.invoke(args=["create-org", "S01", "--name", "一站", "--kind", "station", "--parent", "F01"]).exit_code == 0
    wrong = runner.invoke(args=["create-org", "E01", "--name", "企业", "--kind", "enterprise", "--parent", "F01"])
    assert wrong.exit_code == 1 and "station" in wrong.output
    made = runner.invoke(args=["create-user", "li", "--role", "chair", "--org", "S01"])
    assert made.exit_code == 0 and "Password: " in made.output
    from mediation.services.auth import authenticate
    password = made.output.split("Password: ")[1].strip()
    assert authenticate("li", password).role == "chair"
    taken = runner.invoke(args=["create-user", "li", "--role", "chair", "--org", "S01", "--password", "x"])
    assert taken.exit_code == 1 and "taken" in taken.output


def test_seed_demo_fills_every_state_with_provisional_limitation_dates(app, db, clock):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "manager" in result.output and "liaison" in result.output
    states = dict(db.session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
    assert set(states) == {"submitted", "mediating", "agreed", "performed", "failed", "rejected", "withdrawn",
                           "arbitration", "arbitration_accepted", "arbitration_closed"}
    assert 35 <= sum(states.values()) <= 45
    tiers = set(db.session.scalars(select(Case.tier)).all())
    assert tiers == {1, 2, 3}
    provisional = db.session.scalar(select(func.count()).select_from(Deadline).where(
        Deadline.kind == "limitation", Deadline.status == "open", Deadline.provisional.is_(True)))
    assert provisional > 10
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 1 and "empty" in again.output

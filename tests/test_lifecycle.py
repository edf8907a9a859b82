"""The lifecycle engine: every declared transition from every state, refusals, the three-tier walk,
audit trail, bad input, and the optimistic lock under concurrency."""
from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from mediation.models import Case, CaseEvent, Document, Round
from mediation.services import errors
from mediation.services.actors import SYSTEM, WorkerActor
from mediation.services.lifecycle import available_triggers, fire
from tests.conftest import walk
from workflows.lifecycle import STATES, TRIGGER_NAMES
from workflows.machine import declarations

# How to bring a fresh case (filed at E01 without escalation consent) into each state.
PATH_TO = {
    "submitted": [],
    "mediating": ["accept"],
    "agreed": ["accept", "agree"],
    "performed": ["accept", "agree", "confirm_performance"],
    "failed": ["accept", "fail"],
    "rejected": ["reject"],
    "withdrawn": ["withdraw"],
    "arbitration": ["accept", "fail", "hand_to_arbitration"],
    "arbitration_accepted": ["accept", "fail", "hand_to_arbitration", "arbitration_receive"],
    "arbitration_closed": ["accept", "fail", "hand_to_arbitration", "arbitration_receive", "arbitration_close"],
}
# Declared from the state, but refused by a condition in this set-up (reason in the comment).
REFUSED_BY_CONDITION = {
    ("agreed", "hand_to_arbitration"),  # only after non-performance is recorded
}


def _actor(trigger, case, orgs):
    if trigger == "expire":
        return SYSTEM
    if trigger.startswith("arbitration_"):
        return orgs.users["liaison"]
    return orgs.users[f"chair:{case.org.code}"]


def _events(db, case):
    return db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id))


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("trigger", TRIGGER_NAMES)
def test_every_trigger_from_every_state(db, orgs, make_case, state, trigger):
    case = make_case("E01", *PATH_TO[state], escalation_consent=False)
    assert case.state == state
    version, events = case.version, _events(db, case)
    declared = declarations(trigger, state) is not None
    if declared and (state, trigger) not in REFUSED_BY_CONDITION:
        walk(case, trigger, orgs, actor=_actor(trigger, case, orgs))
        assert case.version == version + 1
        assert _events(db, case) > events
        spec = declarations(trigger, state)
        assert case.state == (spec["dest"] or state)
    else:
        # The liaison does not even see a case that was never handed over: it answers "not found".
        hidden = trigger.startswith("arbitration_") and case.handed_to_arbitration_at is None
        with pytest.raises(errors.NotFound if hidden else errors.NotAllowed):
            walk(case, trigger, orgs, actor=_actor(trigger, case, orgs))
        db.session.expire_all()
        assert (case.state, case.version, _events(db, case)) == (state, version, events)


def test_three_tiers_to_arbitration_with_rounds_and_audit(db, orgs, make_case, clock):
    case = make_case("E01", escalation_consent=False)
    steps = [("accept", "chair:E01"), ("fail", "chair:E01"), ("escalate", "chair:E01"),
             ("accept", "chair:S01"), ("fail", "chair:S01"), ("escalate", "chair:S01"),
             ("accept", "chair:F01"), ("fail", "chair:F01"), ("hand_to_arbitration", "chair:F01"),
             ("arbitration_receive", "liaison")]
    for trigger, user in steps:
        clock.advance(__import__("datetime").timedelta(days=1))
        walk(case, trigger, orgs, actor=orgs.users[user])
    assert case.state == "arbitration_accepted"
    rounds = db.session.scalars(select(Round).where(Round.case_id == case.id).order_by(Round.seq)).all()
    assert [(r.seq, r.org.code, r.tier, r.outcome) for r in rounds] == [
        (1, "E01", 1, "failed"), (2, "S01", 2, "failed"), (3, "F01", 3, "failed")]
    assert all(r.accepted_at and r.ended_at for r in rounds)
    trail = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "transition")
                               .order_by(CaseEvent.id)).all()
    assert [(e.trigger, e.from_state, e.to_state, e.actor_label) for e in trail] == [
        ("accept", "submitted", "mediating", "chair_e01"), ("fail", "mediating", "failed", "chair_e01"),
        ("escalate", "failed", "submitted", "chair_e01"), ("accept", "submitted", "mediating", "chair_s01"),
        ("fail", "mediating", "failed", "chair_s01"), ("escalate", "failed", "submitted", "chair_s01"),
        ("accept", "submitted", "mediating", "chair_f01"), ("fail", "mediating", "failed", "chair_f01"),
        ("hand_to_arbitration", "failed", "arbitration", "chair_f01"),
        ("arbitration_receive", "arbitration", "arbitration_accepted", "liaison")]
    assert trail[1].data == {"reason": "双方分歧较大"}
    assert all(e.at for e in trail) and trail[0].at < trail[-1].at
    assert case.arbitration_case_no == "经开劳人仲案〔2026〕1号" and case.handed_to_arbitration_at
    kinds = db.session.scalars(select(Document.kind).where(Document.case_id == case.id).order_by(Document.id)).all()
    assert kinds.count("referral_letter") == 2 and kinds[-1] == "arbitration_handoff_letter"


def test_escalation_at_the_federation_is_refused_with_the_next_step_named(orgs, make_case):
    case = make_case("E01", "accept", "fail", "escalate", "accept", "fail", "escalate", "accept", "fail",
                     escalation_consent=False)
    assert (case.tier, case.state) == (3, "failed")
    with pytest.raises(errors.NotAllowed) as refused:
        walk(case, "escalate", orgs)
    assert "仲裁" in refused.value.message("zh") and "arbitration" in refused.value.message("en")
    assert available_triggers(case, orgs.users["chair:F01"]) == ["hand_to_arbitration"]


def test_failure_with_consent_escalates_automatically(db, orgs, make_case):
    case = make_case("E01", "accept", "fail", escalation_consent=True)
    assert (case.state, case.org.code, case.tier) == ("submitted", "S01", 2)
    trail = db.session.scalars(select(CaseEvent.trigger).where(CaseEvent.case_id == case.id,
                                                               CaseEvent.kind == "transition").order_by(CaseEvent.id)).all()
    assert trail == ["accept", "fail", "escalate"]
    acceptance = [d for d in case.open_deadlines() if d.kind == "acceptance"]
    assert len(acceptance) == 1 and acceptance[0].round_id == case.current_round.id


def test_failure_without_consent_waits_for_a_choice(orgs, make_case):
    case = make_case("E01", "accept", "fail", escalation_consent=False)
    assert (case.state, case.tier) == ("failed", 1)
    assert available_triggers(case, orgs.users["chair:E01"]) == ["escalate", "hand_to_arbitration"]
    # Below the federation only the worker's own choice sends the case to arbitration.
    with pytest.raises(errors.NotAllowed):
        fire(case, "hand_to_arbitration", orgs.users["chair:E01"])
    fire(case, "hand_to_arbitration", WorkerActor(case.id))
    assert case.state == "arbitration"


def test_extension_once_with_consent_lengthens_the_term(orgs, make_case):
    case = make_case("E01", "accept")
    term = next(d for d in case.open_deadlines() if d.kind == "mediation")
    before = term.due_date
    walk(case, "extend", orgs, days=10)
    assert term.due_date > before and term.days == 25
    with pytest.raises(errors.NotAllowed) as refused:
        walk(case, "extend", orgs, days=5)
    assert "延长过一次" in refused.value.message("zh")


def test_non_performance_then_arbitration(orgs, make_case):
    case = make_case("E01", "accept", "agree")
    walk(case, "report_non_performance", orgs)
    assert case.state == "agreed" and case.non_performance_reported_at
    walk(case, "hand_to_arbitration", orgs)
    assert case.state == "arbitration"


def test_arbitration_return_opens_a_delegated_round_at_the_federation(db, orgs, make_case):
    case = make_case("E01", "accept", "fail", "hand_to_arbitration", "arbitration_receive", escalation_consent=False)
    walk(case, "arbitration_return", orgs, instructions="请于期限内调解", due="2026-12-20")
    assert (case.state, case.org.code, case.tier) == ("submitted", "F01", 3)
    assert case.current_round.channel == "arbitration_delegated"
    delegated = next(d for d in case.open_deadlines() if d.kind == "delegated")
    assert delegated.due_date == date(2026, 12, 20)


# --- bad input: typed errors, nothing written -------------------------------------------------

def _unchanged(db, case, snapshot):
    db.session.expire_all()
    assert (case.state, case.version, _events(db, case)) == snapshot


def test_unknown_trigger(db, orgs, make_case):
    case = make_case("E01")
    snapshot = (case.state, case.version, _events(db, case))
    with pytest.raises(errors.UnknownTrigger) as err:
        fire(case, "approve", orgs.users["chair:E01"])
    assert err.value.status == 422 and "approve" in err.value.message("zh")
    _unchanged(db, case, snapshot)


def test_stale_version(db, orgs, make_case):
    case = make_case("E01")
    snapshot = (case.state, case.version, _events(db, case))
    with pytest.raises(errors.Stale) as err:
        fire(case, "accept", orgs.users["chair:E01"], version=case.version - 1 if case.version > 1 else 99)
    assert err.value.code == "stale" and "刷新" in err.value.message("zh")
    _unchanged(db, case, snapshot)


@pytest.mark.parametrize("user, error", [("mediator:E01", errors.Forbidden), ("chair:S01", errors.Forbidden),
                                         ("chair:E03", errors.NotFound), ("admin", errors.NotFound),
                                         ("liaison", errors.NotFound)])
def test_missing_permission(db, orgs, make_case, user, error):
    case = make_case("E01")
    snapshot = (case.state, case.version, _events(db, case))
    with pytest.raises(error):
        fire(case, "accept", orgs.users[user])
    _unchanged(db, case, snapshot)


def test_malformed_date_and_missing_text_are_field_errors(db, orgs, make_case):
    case = make_case("E01", "accept")
    snapshot = (case.state, case.version, _events(db, case))
    with pytest.raises(errors.InvalidData) as err:
        fire(case, "agree", orgs.users["chair:E01"], terms="", performance_date="2026-13-45", amount_agreed="1,000")
    fields = err.value.field_messages("zh")
    assert set(fields) == {"terms", "performance_date", "amount_agreed"}
    assert "2026-13-45" in fields["performance_date"]
    assert "date" in err.value.field_messages("en")["performance_date"]
    _unchanged(db, case, snapshot)


def test_a_callback_failure_rolls_everything_back(db, orgs, make_case, monkeypatch):
    case = make_case("E01", "accept")
    snapshot = (case.state, case.version, _events(db, case))
    import mediation.services.callbacks as callbacks

    def broken(event):
        raise RuntimeError("disk full")
    monkeypatch.setattr(callbacks, "end_round_agreed", broken)
    with pytest.raises(RuntimeError):
        walk(case, "agree", orgs)
    _unchanged(db, case, snapshot)
    assert db.session.scalar(select(func.count()).select_from(Document).where(
        Document.case_id == case.id, Document.kind == "mediation_agreement")) == 0


# --- concurrency ---------------------------------------------------------------------------------

def _in_threads(app, *jobs):
    """Run each job(app) in its own thread with its own app context (own session), started together."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = job()
            except Exception as exc:  # collected for the assertion
                results[i] = exc
            finally:
                from mediation.extensions import db
                db.session.remove()
    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_concurrent_fires_exactly_one_wins(app, db, orgs, make_case):
    case = make_case("E01")
    case_id, version = case.id, case.version
    chair_id = orgs.users["chair:E01"].id
    db.session.commit()

    def accept():
        from mediation.extensions import db as thread_db
        from mediation.models import User
        fresh = thread_db.session.get(Case, case_id)
        fire(fresh, "accept", thread_db.session.get(User, chair_id), version=version)
        return "won"
    results = _in_threads(app, accept, accept)
    assert sorted(map(str, results)).count("won") == 1, results
    loser = next(r for r in results if r != "won")
    assert isinstance(loser, errors.Stale), loser
    db.session.expire_all()
    assert db.session.get(Case, case_id).state == "mediating"
    assert db.session.scalar(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.trigger == "accept")) == 1
    assert db.session.scalar(select(func.count()).select_from(Round).where(Round.case_id == case_id)) == 1


def test_deadline_rows_carry_basis_and_round(orgs, make_case):
    case = make_case("E01")
    kinds = sorted(d.kind for d in case.open_deadlines())
    assert kinds == ["acceptance", "limitation"]
    assert case.next_due == next(d for d in case.deadlines if d.kind == "acceptance").due_at
    assert isinstance(case.next_due, datetime)

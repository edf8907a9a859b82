"""The conditions and side-effects that workflows/lifecycle.py names by dotted path.

Each receives the `transitions` EventData: `event.model` is the case, `event.kwargs["ctx"]` the
TransitionContext (actor, now, validated data). They change rows in the session; they never commit.
Timers and documents are handled generically by mediation.services.lifecycle from the declaration.
"""
from __future__ import annotations

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organisation, Round
from mediation.sla import deadlines


def _ctx(event):
    return event.kwargs["ctx"]


def _end_round(event, outcome: str) -> None:
    case, ctx = event.model, _ctx(event)
    current = case.current_round
    current.ended_at = ctx.now
    current.outcome = outcome
    current.reason = ctx.data.get("reason") or ctx.data.get("note")
    current.mediator_id = current.mediator_id or case.mediator_id
    for deadline in case.open_deadlines():
        if deadline.round_id == current.id and deadline.kind == "delegated":
            deadlines.close(deadline, ctx.now)


def open_round(case, org: Organisation, channel: str, now) -> Round:
    """Start a new mediation attempt at `org` (filing, escalation, delegation by arbitration)."""
    new_round = Round(seq=len(case.rounds) + 1, org_id=org.id, tier=org.tier, channel=channel, received_at=now)
    case.rounds.append(new_round)
    case.org, case.org_id, case.tier, case.mediator_id, case.extended_days = org, org.id, org.tier, None, 0
    db.session.flush()  # the round's id, for the deadlines that belong to it
    return new_round


# --- conditions ---------------------------------------------------------------------------------

def has_parent_tier(event) -> bool:
    return event.model.tier < 3


def not_extended_yet(event) -> bool:
    return event.model.extended_days == 0


def arbitration_open(event) -> bool:
    """At tier 3 mediation is exhausted; below it only the worker's own choice (调解仲裁法 art. 5)."""
    ctx = _ctx(event)
    return (event.model.tier == 3 or ctx.actor.role == "worker" or bool(ctx.data.get("worker_choice"))
            or ctx.probing)


def non_performance_reported(event) -> bool:
    return event.model.non_performance_reported_at is not None


def non_performance_not_reported(event) -> bool:
    return event.model.non_performance_reported_at is None


# --- side-effects -------------------------------------------------------------------------------

def accept_round(event) -> None:
    case, ctx = event.model, _ctx(event)
    case.current_round.accepted_at = ctx.now
    if ctx.data.get("mediator_id"):
        case.mediator_id = case.current_round.mediator_id = ctx.data["mediator_id"]


def end_round_rejected(event) -> None:
    _end_round(event, "rejected")


def end_round_failed(event) -> None:
    _end_round(event, "failed")


def end_round_expired(event) -> None:
    _end_round(event, "expired")


def end_round_withdrawn(event) -> None:
    _end_round(event, "withdrawn")
    event.model.closed_at = _ctx(event).now


def end_round_agreed(event) -> None:
    case, ctx = event.model, _ctx(event)
    _end_round(event, "agreed")
    case.agreement_terms = ctx.data["terms"]
    case.performance_date = ctx.data["performance_date"]
    case.amount_agreed = case.current_round.amount_agreed = ctx.data.get("amount_agreed")


def restart_limitation(event) -> None:
    """A mediation application interrupts the limitation period; it runs anew when mediation ends
    (调解仲裁法 art. 27)."""
    case, ctx = event.model, _ctx(event)
    deadlines.close_kind(case, "limitation", ctx.now, cancelled=True)
    deadlines.start(case, "limitation", start_date=ctx.now.date())


def escalate_if_consented(event) -> None:
    """A worker who consented at filing goes up a tier without being asked again (DESIGN §4)."""
    case = event.model
    if case.escalation_consent and case.tier < 3:
        _ctx(event).chain.append("escalate")


def move_to_parent_org(event) -> None:
    case, ctx = event.model, _ctx(event)
    open_round(case, case.org.parent, "referral", ctx.now)


def extend_mediation_term(event) -> None:
    case, ctx = event.model, _ctx(event)
    case.extended_days = ctx.data["days"]
    deadlines.extend(case, "mediation", ctx.data["days"])


def record_handoff(event) -> None:
    case, ctx = event.model, _ctx(event)
    case.handed_to_arbitration_at = ctx.now
    deadlines.close_kind(case, "limitation", ctx.now, cancelled=True)  # the claim is now made


def record_performance(event) -> None:
    event.model.closed_at = _ctx(event).now


def record_non_performance(event) -> None:
    case, ctx = event.model, _ctx(event)
    case.non_performance_reported_at = ctx.now
    deadlines.close_kind(case, "performance", ctx.now, cancelled=False)
    deadlines.close_kind(case, "limitation", ctx.now, cancelled=True)
    deadlines.start(case, "limitation", start_date=case.performance_date or ctx.now.date())


def record_arbitration_receipt(event) -> None:
    event.model.arbitration_case_no = _ctx(event).data["arbitration_case_no"]


def return_to_federation(event) -> None:
    """委派调解: the commission sends the case to the federation's mediation centre with a due date."""
    case, ctx = event.model, _ctx(event)
    federation = db.session.scalars(select(Organisation).where(Organisation.kind == "federation")).first()
    new_round = open_round(case, federation, "arbitration_delegated", ctx.now)
    deadlines.start(case, "delegated", round_=new_round, due_date=ctx.data["due"])


def record_arbitration_outcome(event) -> None:
    case, ctx = event.model, _ctx(event)
    case.arbitration_outcome = ctx.data["outcome"]
    case.closed_at = ctx.now

"""Who may see and do what: the one place access is decided (DESIGN.md §2).

| role     | sees                                                       | may fire                        |
|----------|------------------------------------------------------------|---------------------------------|
| chair    | cases at own org; a station also its enterprises' (read);  | the `by: chair` triggers on     |
|          | cases its org handled in an earlier round (read); at the   | cases at own org                |
|          | federation every case (read: it supervises the whole tree) |                                 |
| mediator | as chair                                                   | `by: mediator` on cases at own  |
|          |                                                            | org assigned to them            |
| manager  | every case                                                 | `by: manager` on any case       |
| liaison  | cases handed to arbitration                                | the arbitration triggers        |
| admin    | no case contents                                           | nothing                         |
| worker   | own case (number + query code)                             | `by: worker` on own case        |
| system   | everything                                                 | `by: system` (timers)           |
"""
from __future__ import annotations

from sqlalchemy import false, or_, select, true

from mediation.models import Case, Organisation, Round
from mediation.services import errors
from workflows.lifecycle import TRANSITIONS

STAFF_ROLES = ("chair", "mediator")
_ROLES_BY_TRIGGER: dict[str, set[str]] = {}
for _spec in TRANSITIONS:
    _ROLES_BY_TRIGGER.setdefault(_spec["trigger"], set()).update(_spec["by"])


def _station_covers(actor, case: Case) -> bool:
    return actor.org.kind == "station" and case.org.parent_id == actor.org_id


def can_view(actor, case: Case) -> bool:
    """Whether the actor may see the case at all (otherwise it answers as if it did not exist)."""
    role = actor.role
    if role == "system":
        return True
    if role == "worker":
        return actor.case_id == case.id
    if role == "manager":
        return True
    if role == "liaison":
        return case.handed_to_arbitration_at is not None
    if role in STAFF_ROLES:
        return (actor.org.kind == "federation" or case.org_id == actor.org_id or _station_covers(actor, case)
                or any(r.org_id == actor.org_id for r in case.rounds))
    return False


def can_fire(actor, trigger: str, case: Case) -> bool:
    """Whether the actor's role and relation to the case allow firing `trigger` (state aside)."""
    role = actor.role
    if role not in _ROLES_BY_TRIGGER.get(trigger, ()):
        return False
    if role == "chair":
        return case.org_id == actor.org_id
    if role == "mediator":
        return case.org_id == actor.org_id and case.mediator_id == actor.id
    if role == "worker":
        return actor.case_id == case.id
    if role == "liaison":
        return can_view(actor, case)
    return role in ("manager", "system")


def can_assign(actor, case: Case) -> bool:
    return (actor.role == "chair" and case.org_id == actor.org_id) or actor.role == "manager"


def can_record(actor, case: Case) -> bool:
    """Whether the actor runs the case: may record sessions, referrals and internal notes on it."""
    if actor.role == "chair":
        return case.org_id == actor.org_id
    if actor.role == "mediator":
        return case.org_id == actor.org_id and case.mediator_id == actor.id
    return False


def can_reveal_id(actor, case: Case) -> bool:
    """Full ID numbers only for those who run the case (PIPL: need to know); every view is audited."""
    return actor.role in ("chair", "mediator", "manager") and can_view(actor, case) and (
        actor.role == "manager" or case.org_id == actor.org_id)


def visible_cases_clause(actor):
    """The SQL condition selecting the cases the actor may see, for queues, lists and reports."""
    role = actor.role
    if role in ("system", "manager"):
        return true()
    if role == "liaison":
        return Case.handed_to_arbitration_at.is_not(None)
    if role in STAFF_ROLES:
        if actor.org.kind == "federation":
            return true()
        covered = select(Organisation.id).where(Organisation.parent_id == actor.org_id)
        # IN, not a correlated EXISTS inside the OR: PostgreSQL then estimates it cheaply (no JIT).
        handled = Case.id.in_(select(Round.case_id).where(Round.org_id == actor.org_id))
        return or_(Case.org_id == actor.org_id, Case.org_id.in_(covered), handled)
    return false()


def require_recorder(actor, case: Case) -> None:
    """Raise unless the actor may record sessions, notes and referrals on the case."""
    if not can_view(actor, case):
        raise errors.NotFound("No such case.", "案件不存在。")
    if not can_record(actor, case):
        raise errors.Forbidden("Only the chair or the assigned mediator records on this case.",
                               "只有本组织主任（站长）或承办调解员可以记录。")

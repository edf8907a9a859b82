"""Referrals recorded on a case: legal consultation, legal aid, counselling, hardship assistance."""
from __future__ import annotations

from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseEvent, Referral
from mediation.models.desk import REFERRAL_LABELS
from mediation.services import errors, policy
from mediation.services.actors import actor_label
from mediation.services.events import record
from mediation.sla import clock




def _invalid(fields: dict) -> errors.InvalidData:
    return errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields=fields)


def refer(case: Case, actor, kind: str, note: str = "") -> Referral:
    """Record a referral of the worker to another service; audited; committed."""
    policy.require_recorder(actor, case)
    problems = v.ValidationErrors()
    with problems.field("kind"):
        kind = v.parse_choice(kind, REFERRAL_LABELS, label_en="Referral", label_zh="转介类型")
    with problems.field("note"):
        note = v.parse_text(note, required=False, max_length=2000, label_en="Note", label_zh="说明")
    if problems:
        raise _invalid(problems.errors)
    now = clock.local_now()
    try:
        referral = Referral(case_id=case.id, kind=kind, note=note, created_by_id=actor.id, created_at=now)
        db.session.add(referral)
        db.session.flush()
        record(case, CaseEvent(case_id=case.id, at=now, kind="referral", actor_id=actor.id,
                               actor_label=actor_label(actor), public=False,
                               data={"referral_id": referral.id, "kind": kind}))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return referral


def record_outcome(referral: Referral, actor, outcome: str) -> Referral:
    """Record what came of a referral, once (a later change is a note, not an overwrite)."""
    case = db.session.get(Case, referral.case_id)
    policy.require_recorder(actor, case)
    if referral.outcome:
        raise errors.Conflict("The outcome of this referral is already recorded.", "该转介的结果已登记。")
    try:
        outcome = v.parse_text(outcome, max_length=2000, label_en="Outcome", label_zh="转介结果")
    except v.FieldError as err:
        raise _invalid({"outcome": err}) from None
    now = clock.local_now()
    try:
        referral.outcome, referral.outcome_at = outcome, now
        record(case, CaseEvent(case_id=case.id, at=now, kind="referral_outcome", actor_id=actor.id,
                               actor_label=actor_label(actor), public=False,
                               data={"referral_id": referral.id, "kind": referral.kind}))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return referral

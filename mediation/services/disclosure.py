"""Showing a party's full ID number: need-to-know only, and every showing is audited (PIPL art. 51)."""
from __future__ import annotations

from mediation import crypto
from mediation.extensions import db
from mediation.models import Case, CaseEvent, Party
from mediation.services import errors, policy
from mediation.services.actors import actor_label
from mediation.services.events import record
from mediation.sla import clock


def reveal_id(case: Case, party: Party, actor, purpose: str = "") -> str:
    """Return the party's full ID number after writing the audit event; refuse those without need."""
    if not policy.can_view(actor, case) or party.case_id != case.id:
        raise errors.NotFound("No such case.", "案件不存在。")
    if not policy.can_reveal_id(actor, case):
        raise errors.Forbidden("Only those who handle this case may see a full ID number.",
                               "只有本案承办组织的人员可以查看完整身份证号码。")
    try:
        record(case, CaseEvent(case_id=case.id, at=clock.local_now(), kind="id_revealed",
                               actor_id=getattr(actor, "id", None), actor_label=actor_label(actor), public=False,
                               data={"party_id": party.id, "party": party.name, "purpose": purpose[:200]}))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return crypto.decrypt(party.id_number_encrypted)

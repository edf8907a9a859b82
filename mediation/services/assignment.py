"""Assigning a mediator to a case, with withdrawal (回避) of anyone related to a party.

企业劳动争议协商调解规定 and 人民调解法 art. 23: a mediator related to a party, or otherwise
interested in the dispute, may not mediate it. Staff declare such relations once
(ConflictDeclaration: a person by name or ID number, or an employer); the check runs on every
assignment, including the one made when a chair accepts a case.
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from mediation import crypto
from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseEvent, ConflictDeclaration, User
from mediation.services import errors, policy
from mediation.services.actors import actor_label
from mediation.services.events import record
from mediation.services.lifecycle import check_version, fire, rollback_on_error
from mediation.sla import clock


@dataclass(frozen=True)
class ConflictReason:
    declaration: ConflictDeclaration
    en: str
    zh: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


def _norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def id_number_hash(id_number: str) -> str:
    """A keyed hash of an ID number, so a declaration can match one without storing it."""
    key = current_app.config["ENCRYPTION_KEY"].encode()
    return hmac.new(key, _norm(id_number).upper().encode(), hashlib.sha256).hexdigest()


def conflicts(case: Case, mediator: User) -> list[ConflictReason]:
    """The mediator's declared relations that touch this case's parties or employer."""
    declarations = db.session.scalars(select(ConflictDeclaration).where(
        ConflictDeclaration.user_id == mediator.id)).all()
    if not declarations:
        return []
    names = {_norm(p.name): p.name for p in case.parties}
    id_hashes = None
    found = []
    for d in declarations:
        if d.party_name and _norm(d.party_name) in names:
            name = names[_norm(d.party_name)]
            found.append(ConflictReason(d, f"related to the applicant {name}: {d.relation}",
                                        f"与申请人{name}存在关系：{d.relation}"))
        elif d.party_id_number_hash:
            if id_hashes is None:
                id_hashes = {id_number_hash(crypto.decrypt(p.id_number_encrypted)): p.name for p in case.parties}
            if d.party_id_number_hash in id_hashes:
                name = id_hashes[d.party_id_number_hash]
                found.append(ConflictReason(d, f"related to the applicant {name}: {d.relation}",
                                            f"与申请人{name}存在关系：{d.relation}"))
        if d.employer_name and _norm(d.employer_name) == _norm(case.respondent_name):
            found.append(ConflictReason(d, f"related to the respondent {case.respondent_name}: {d.relation}",
                                        f"与被申请人{case.respondent_name}存在关系：{d.relation}"))
    return found


def candidates(case: Case) -> list[tuple[User, list[ConflictReason]]]:
    """The staff of the case's organisation who may mediate, each with any reason they may not."""
    users = db.session.scalars(select(User).where(User.org_id == case.org_id, User.active.is_(True),
                                                  User.role.in_(("mediator", "chair")))
                               .order_by(User.role.desc(), User.username)).all()
    return [(user, conflicts(case, user)) for user in users]


def check_assignable(case: Case, mediator: User | None, actor) -> None:
    """Raise a ServiceError unless `actor` may give `case` to `mediator`."""
    if not policy.can_view(actor, case):
        raise errors.NotFound("No such case.", "案件不存在。")
    if not policy.can_assign(actor, case):
        raise errors.Forbidden("Only the chair of the case's organisation assigns mediators.",
                               "只有本组织的主任（站长）可以指派调解员。")
    if mediator is None or not mediator.active or mediator.role not in ("mediator", "chair") \
            or mediator.org_id != case.org_id:
        raise errors.InvalidData("Choose a mediator of the organisation handling the case.",
                                 "请选择本案受理组织的调解员。",
                                 fields={"mediator_id": v.FieldError("mediator.org", "Choose a mediator of the"
                                                                     " organisation handling the case.",
                                                                     "请选择本案受理组织的调解员。")})
    found = conflicts(case, mediator)
    if found:
        name = mediator.display_name or mediator.username
        raise errors.Conflict(
            f"{name} must withdraw from this case (回避): " + "; ".join(r.en for r in found) + ".",
            f"{name}应当回避，不能指派：" + "；".join(r.zh for r in found) + "。")


def assign(case: Case, mediator: User | None, actor, version: int | None = None) -> Case:
    """Make `mediator` the case's mediator; audited, committed, or nothing changes."""
    check_assignable(case, mediator, actor)
    check_version(case, version)
    previous = case.mediator.username if case.mediator else None
    with rollback_on_error():
        case.version = case.version + 1  # an assignment is a change a stale page must not overwrite
        case.mediator_id = mediator.id
        if case.current_round is not None and case.current_round.is_open:
            case.current_round.mediator_id = mediator.id
        record(case, CaseEvent(case_id=case.id, at=clock.local_now(), kind="assigned",
                               actor_id=getattr(actor, "id", None), actor_label=actor_label(actor),
                               data={"mediator": mediator.username, "previous": previous}, public=False))
        db.session.commit()
    return case


def accept_and_assign(case: Case, actor, mediator: User | None, version: int | None = None) -> Case:
    """Accept the case (the chair's decision) and assign its mediator, after the withdrawal check."""
    if mediator is None:
        return fire(case, "accept", actor, version=version)
    check_assignable(case, mediator, actor)
    return fire(case, "accept", actor, version=version, mediator_id=mediator.id)


def declare_conflict(user: User, *, party_name: str = "", id_number: str = "", employer_name: str = "",
                     relation: str = "") -> ConflictDeclaration:
    """Record the user's relation to a person (by name or ID number) or an employer."""
    problems = v.ValidationErrors()
    clean: dict = {}
    with problems.field("party_name"):
        clean["party_name"] = v.parse_text(party_name, required=False, max_length=100,
                                           label_en="Name", label_zh="姓名") or None
    clean["id_hash"] = None
    if (id_number or "").strip():
        with problems.field("id_number"):
            clean["id_hash"] = id_number_hash(v.parse_id_number(id_number, today=clock.today()).value)
    with problems.field("employer_name"):
        clean["employer_name"] = v.parse_text(employer_name, required=False, max_length=200,
                                              label_en="Employer", label_zh="用人单位") or None
    with problems.field("relation"):
        clean["relation"] = v.parse_text(relation, max_length=300, label_en="Relation", label_zh="关系说明")
    if not problems and not (clean["party_name"] or clean["id_hash"] or clean["employer_name"]):
        problems.add("party_name", v.FieldError("conflict.empty", "Name a person, an ID number or an employer.",
                                                "请填写姓名、身份证号码或用人单位中的至少一项。"))
    if problems:
        raise errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields=problems.errors)
    row = ConflictDeclaration(user_id=user.id, party_name=clean["party_name"], party_id_number_hash=clean["id_hash"],
                              employer_name=clean["employer_name"], relation=clean["relation"],
                              created_at=clock.local_now())
    db.session.add(row)
    db.session.commit()
    return row


def declarations_of(user: User) -> list[ConflictDeclaration]:
    return list(db.session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.user_id == user.id)
                                   .order_by(ConflictDeclaration.id)).all())

"""Cases for staff and integrators (DESIGN.md §8): scoped lists, details, and firing triggers.

A case the caller may not see answers 404 exactly as an unknown one; firing goes through the same
`fire` service as the desk, so the same errors come back: 403 forbidden, 409 not_allowed/stale,
422 unknown_trigger or invalid data with field messages.
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask import g, jsonify, request
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseCategory, Organisation, Party
from mediation.models.cases import CATEGORY_LABELS
from mediation.services import errors, policy
from mediation.services.lifecycle import available_triggers, fire, state_label, trigger_label
from mediation.services.options import worker_options
from mediation.sla import clock, deadlines
from mediation.web.api import bp, json_body, request_lang
from mediation.web.api.auth import token_required
from workflows.lifecycle import ARBITRATION_OUTCOMES, STATES, TIMERS, TRANSITIONS

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
_NUMBER = re.compile(r"[0-9]{1,7}")


def _iso(value):
    return value.isoformat() if value is not None else None


def _invalid(problems: v.ValidationErrors):
    return errors.InvalidData("Some filters are not valid.", "部分筛选条件有误。", fields=problems.errors)


def _parse_int(raw: str, *, low: int, high: int) -> int:
    if not _NUMBER.fullmatch(raw.strip()) or not low <= int(raw) <= high:
        raise v.FieldError("number.range", "Enter a whole number from {low} to {high}.",
                           "请填写{low}至{high}之间的整数。", low=low, high=high)
    return int(raw)


def _list_filters(args) -> dict:
    """Parse the list's query string; InvalidData names every bad parameter."""
    problems, out = v.ValidationErrors(), {}
    if args.get("state"):
        with problems.field("state"):
            out["states"] = [v.parse_choice(s, {k: (st["en"], st["zh"]) for k, st in STATES.items()},
                                            label_en="state", label_zh="状态") for s in args["state"].split(",")]
    if args.get("tier"):
        with problems.field("tier"):
            out["tier"] = _parse_int(args["tier"], low=1, high=3)
    if args.get("org"):
        org = db.session.scalars(select(Organisation).where(Organisation.code == args["org"].strip())).first()
        if org is None:
            problems.add("org", v.FieldError("org.unknown", "No organisation has this code.", "没有此代码的组织。"))
        out["org"] = org
    if args.get("category"):
        with problems.field("category"):
            out["category"] = v.parse_choice(args["category"], CATEGORY_LABELS, label_en="dispute category",
                                             label_zh="争议类型")
    for key in ("from", "to"):
        if args.get(key):
            with problems.field(key):
                out[key] = v.parse_date(args[key])
    if out.get("from") and out.get("to") and out["from"] > out["to"]:
        problems.add("to", v.FieldError("date.order", "“to” must not be before “from”.", "结束日期不能早于开始日期。"))
    q = args.get("q", "").strip()
    if len(q) > 100:
        problems.add("q", v.FieldError("q.too_long", "Search for at most 100 characters.", "搜索内容最多100个字。"))
    out["q"] = q
    with problems.field("page"):
        out["page"] = _parse_int(args.get("page", "1"), low=1, high=MAX_PAGE)
    with problems.field("per_page"):
        out["per_page"] = _parse_int(args.get("per_page", "20"), low=1, high=MAX_PER_PAGE)
    if problems:
        raise _invalid(problems)
    return out


def _filtered(query, f: dict):
    if f.get("states"):
        query = query.where(Case.state.in_(f["states"]))
    if f.get("tier"):
        query = query.where(Case.tier == f["tier"])
    if f.get("org") is not None:
        query = query.where(Case.org_id == f["org"].id)
    if f.get("category"):
        query = query.where(exists().where(CaseCategory.case_id == Case.id, CaseCategory.category == f["category"]))
    if f.get("from"):
        query = query.where(Case.filed_at >= f["from"])
    if f.get("to"):
        query = query.where(Case.filed_at < f["to"] + timedelta(days=1))
    if f["q"]:
        like = "%" + f["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Case.number.ilike(like, escape="\\"), Case.respondent_name.ilike(like, escape="\\"),
                                exists().where(Party.case_id == Case.id, Party.name.ilike(like, escape="\\"))))
    return query


@bp.get("/cases")
@token_required
def list_cases():
    f = _list_filters(request.args)
    query = _filtered(select(Case).where(policy.visible_cases_clause(g.api_user)), f)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.options(joinedload(Case.org), selectinload(Case.category_rows))
                              .order_by(Case.filed_at.desc(), Case.id.desc())
                              .offset((f["page"] - 1) * f["per_page"]).limit(f["per_page"])).all()
    return jsonify({"items": [{"case_no": c.number, "state": c.state, "tier": c.tier, "org": c.org.code,
                               "categories": c.categories, "filed_at": _iso(c.filed_at),
                               "next_due": _iso(c.next_due)} for c in rows],
                    "page": f["page"], "per_page": f["per_page"], "total": total})


def visible_case(case_no: str) -> Case:
    """The case by number if the caller may see it; NotFound otherwise (the same for both)."""
    case = db.session.scalars(select(Case).where(Case.number == case_no)).first()
    if case is None or not policy.can_view(g.api_user, case):
        raise errors.NotFound("No such case.", "案件不存在。")
    return case


def deadline_json(d, lang: str) -> dict:
    return {"kind": d.kind, "label": TIMERS[d.kind]["en" if lang == "en" else "zh"], "due": d.due_date.isoformat(),
            "provisional": d.provisional, "basis": deadlines.basis(d.kind, lang), "status": d.status}


def _trigger_data(trigger: str) -> dict[str, str]:
    """The data fields a trigger takes, over all its declarations."""
    fields: dict[str, str] = {}
    for spec in TRANSITIONS:
        if spec["trigger"] == trigger:
            fields.update(spec.get("data", {}))
    return fields


def case_json(case: Case, user, lang: str) -> dict:
    triggers = available_triggers(case, user)
    return {
        "case_no": case.number, "version": case.version, "state": case.state,
        "state_label": state_label(case.state, lang), "tier": case.tier,
        "org": {"code": case.org.code, "name": case.org.name, "kind": case.org.kind},
        "channel": case.channel, "filed_at": _iso(case.filed_at), "dispute_date": _iso(case.dispute_date),
        "categories": case.categories, "is_collective": case.is_collective, "facts": case.facts,
        "mediator": case.mediator.username if case.mediator else None,
        # PIPL: the masked ID only; the full number is revealed (and audited) on the desk, never here.
        "parties": [{"name": p.name, "id_number": p.id_number_masked, "sex": p.sex, "phone": p.phone,
                     "address": p.address, "representative": p.is_representative} for p in case.parties],
        "respondent": {"name": case.respondent_name, "uscc": case.respondent_uscc,
                       "address": case.respondent_address, "contact": case.respondent_contact},
        "claims": [{"item": c.item, "amount": str(c.amount)} for c in case.claims],
        "rounds": [{"seq": r.seq, "org": r.org.code, "tier": r.tier, "channel": r.channel,
                    "received_at": _iso(r.received_at), "accepted_at": _iso(r.accepted_at),
                    "ended_at": _iso(r.ended_at), "outcome": r.outcome,
                    "amount_agreed": str(r.amount_agreed) if r.amount_agreed is not None else None}
                   for r in case.rounds],
        "deadlines": [deadline_json(d, lang) for d in case.open_deadlines()],
        "agreement": None if case.agreement_terms is None else {
            "terms": case.agreement_terms, "performance_date": _iso(case.performance_date),
            "amount_agreed": str(case.amount_agreed) if case.amount_agreed is not None else None,
            "non_performance_reported_at": _iso(case.non_performance_reported_at)},
        "worker_options": worker_options(case, lang),
        "arbitration": None if case.handed_to_arbitration_at is None else {
            "handed_at": _iso(case.handed_to_arbitration_at), "case_no": case.arbitration_case_no,
            "outcome": case.arbitration_outcome,
            "outcome_label": (ARBITRATION_OUTCOMES[case.arbitration_outcome][0 if lang == "en" else 1]
                              if case.arbitration_outcome else None)},
        "triggers": triggers,
        "actions": [{"trigger": t, "label": trigger_label(t, lang), "data": _trigger_data(t)} for t in triggers],
    }


@bp.get("/cases/<case_no>")
@token_required
def get_case(case_no: str):
    return jsonify(case_json(visible_case(case_no), g.api_user, request_lang()))


def _check_types(fields: dict[str, str], data: dict) -> None:
    """Text fields must be JSON strings (the services' validators take text, not numbers or lists)."""
    problems = v.ValidationErrors()
    for name, kind in fields.items():
        value = data.get(name)
        if value is None:
            continue
        kind = kind.rstrip("?")
        ok = {"text": isinstance(value, str), "future_date": isinstance(value, str),
              "arbitration_outcome": isinstance(value, str),
              "amount": isinstance(value, (str, int)) and not isinstance(value, bool),
              "days": isinstance(value, (str, int)) and not isinstance(value, bool),
              "bool": isinstance(value, (bool, str))}.get(kind, True)
        if not ok:
            problems.add(name, v.FieldError("type", "This field has the wrong type.", "此项的数据类型不正确。"))
    if problems:
        raise errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields=problems.errors)


@bp.post("/cases/<case_no>/events")
@token_required
def fire_event(case_no: str):
    body = json_body()
    case = visible_case(case_no)
    trigger, version = body.get("trigger"), body.get("version")
    problems = v.ValidationErrors()
    if not isinstance(trigger, str) or not trigger.strip():
        problems.add("trigger", v.FieldError("trigger.required", "Name the trigger to fire.", "请指明要执行的操作。"))
    if not isinstance(version, int) or isinstance(version, bool):
        problems.add("version", v.FieldError("version.required", "Send the case's version as a whole number "
                                             "(from GET /cases/{case_no}).", "请提供案件版本号（整数，见案件详情）。"))
    if problems:
        raise errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields=problems.errors)
    fields = _trigger_data(trigger)
    data = {name: body[name] for name in fields if name in body}
    _check_types(fields, data)
    fire(case, trigger, g.api_user, version=version, **data)
    return jsonify({"state": case.state, "version": case.version,
                    "triggers": available_triggers(case, g.api_user), "at": clock.local_now().isoformat()})

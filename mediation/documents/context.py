"""What each document's template is given: the case's data in the words and forms a document prints."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import CaseEvent, Deadline, Document, Organisation, Round
from mediation.models.cases import CATEGORY_LABELS, CHANNEL_LABELS
from mediation.sla import deadlines as sla_deadlines
from workflows.lifecycle import TIMERS

DIGITS = "〇一二三四五六七八九"
UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
SEX_ZH = {"male": "男", "female": "女"}


def cn_number(n: int) -> str:
    """1..31 in words, as a date prints them: 十一, 二十五, 三十一."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[ones] if ones else "")


def cn_date(day: date) -> str:
    """二〇二六年十一月二十五日: the form official documents print."""
    year = "".join(DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{cn_number(day.month)}月{cn_number(day.day)}日"


def num_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def yuan(amount: Decimal | None) -> str:
    return f"{amount:,.2f}" if amount is not None else ""


def _four(group: int) -> str:
    text, zero = "", False
    for size, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = group // size % 10
        if digit == 0:
            zero = bool(text)
            continue
        text += ("零" if zero else "") + UPPER_DIGITS[digit] + unit
        zero = False
    return text


def yuan_upper(amount: Decimal) -> str:
    """The amount in capital figures (大写), as agreements print it beside the digits."""
    whole, cents = divmod(int(Decimal(amount).quantize(Decimal("0.01")) * 100), 100)
    groups = []
    while whole:
        groups.append(whole % 10000)
        whole //= 10000
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _four(group) + ("", "万", "亿", "万亿")[index]
        gap = False
    jiao, fen = divmod(cents, 10)
    text = (text or "零") + "元"
    if not jiao and not fen:
        return text + "整"
    if jiao:
        text += UPPER_DIGITS[jiao] + "角"
    elif text != "零元":
        text += "零"
    return text + (UPPER_DIGITS[fen] + "分" if fen else "")


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def deadline_view(deadline: Deadline | None) -> dict | None:
    """A deadline as printed: its date, the provisional note with the right years, and its basis."""
    if deadline is None:
        return None
    note = ""
    if deadline.provisional:
        years = "、".join(y for y in deadline.provisional_years.split(",") if y)
        note = f"（暂定，待国务院公布{years}年节假日安排后确认）"
    return {"row": deadline, "date": num_date(deadline.due_date), "date_cn": cn_date(deadline.due_date),
            "note": note, "basis": sla_deadlines.basis(deadline.kind, "zh"), "label": TIMERS[deadline.kind]["zh"]}


def open_deadline(case, kind: str) -> Deadline | None:
    rows = [d for d in case.deadlines if d.kind == kind and d.is_open]
    return rows[-1] if rows else None


def build(document: Document, source=None) -> dict:
    """The template context of `document`; `source` is the MediationSession of a 调解笔录 or the
    Document a 送达回证 is for."""
    case = document.case
    issued_on = document.created_at.date()
    round_ = db.session.get(Round, document.round_id) if document.round_id else case.current_round
    event = db.session.get(CaseEvent, document.event_id) if document.event_id else None
    from mediation.documents import issuing_org, title
    org = issuing_org(document)
    base_url = current_app.config["MEDIATION"]["app"]["public_base_url"].rstrip("/")
    replaced = db.session.get(Document, document.replaces_id) if document.replaces_id else None
    ctx = {
        "org_self": {"enterprise": "本委员会", "station": "本站", "federation": "本中心"}.get(org.kind, "本机构"),
        "doc": document, "title": document.title or title(document.kind), "number": document.number,
        "case": case, "org": org, "round": round_, "event": event,
        "event_data": (event.data if event else {}) or {},
        "date_cn": cn_date(issued_on), "issued_on": issued_on,
        "verify_url": f"{base_url}/verify?number={document.number}",
        "verify_base": f"{base_url}/verify",
        "replaced": replaced,
        "applicants": [{"name": p.name, "sex": SEX_ZH.get(p.sex or "", ""), "age": age_on(p.birth_date, issued_on),
                        "birth": num_date(p.birth_date), "address": p.address, "phone": p.phone,
                        "id_masked": p.id_number_masked, "representative": p.is_representative}
                       for p in case.parties],
        "applicant_names": "、".join(p.name for p in case.parties[:5]) + (
            f"等{len(case.parties)}人" if len(case.parties) > 5 else ""),
        "respondent": {"name": case.respondent_name, "address": case.respondent_address,
                       "legal_rep": case.respondent_legal_rep, "contact": case.respondent_contact,
                       "uscc": case.respondent_uscc},
        "claims": [{"item": c.item, "amount": yuan(c.amount)} for c in case.claims],
        "claims_total": yuan(case.amount_claimed),
        "categories": "、".join(CATEGORY_LABELS[c][1] for c in case.categories),
        "channel": CHANNEL_LABELS.get(round_.channel if round_ else case.channel, ("", ""))[1],
        "filed_on": num_date(case.filed_at.date()),
        "received_on": num_date(round_.received_at.date()) if round_ else num_date(case.filed_at.date()),
        "num_date": num_date, "yuan": yuan, "yuan_upper": yuan_upper,
    }
    ctx.update(_KIND_CONTEXT.get(document.kind, lambda *_: {})(document, ctx, source))
    return ctx


def _mediator_name(round_) -> str:
    user = round_.mediator if round_ is not None else None
    return (user.display_name or user.username) if user else ""


def _acceptance(document, ctx, _source):
    return {"mediation_deadline": deadline_view(open_deadline(ctx["case"], "mediation")),
            "mediator": _mediator_name(ctx["round"])}


def _options(document, ctx) -> dict:
    parent = ctx["org"].parent
    return {"next_tier": parent if parent is not None and parent.kind != "arbitration" else None,
            "limitation": deadline_view(open_deadline(ctx["case"], "limitation")),
            "arbitration": db.session.scalars(select(Organisation).where(Organisation.kind == "arbitration")).first()}


def _rejection(document, ctx, _source):
    reason = ctx["event_data"].get("reason") or (ctx["round"].reason if ctx["round"] else "")
    return {"reason": reason, **_options(document, ctx)}


def _failure(document, ctx, _source):
    trigger = ctx["event"].trigger if ctx["event"] else "fail"
    days = current_app.config["MEDIATION"]["sla"]["terms"]["mediation"]["days"] + ctx["case"].extended_days
    if trigger == "expire":
        reason = f"自收到调解申请之日起{days}日内未达成调解协议，依法视为调解不成，终止调解"
    else:
        reason = ctx["event_data"].get("reason") or (ctx["round"].reason if ctx["round"] else "")
    escalated = ctx["case"].org if ctx["case"].org_id != ctx["org"].id and ctx["case"].tier > ctx["org"].tier else None
    return {"reason": reason, "expired": trigger == "expire", "escalated_to": escalated, **_options(document, ctx)}


def _agreement(document, ctx, _source):
    case = ctx["case"]
    performance = next((d for d in reversed(case.deadlines) if d.kind == "performance"), None)
    return {"terms": case.agreement_terms or ctx["event_data"].get("terms", ""),
            "amount": yuan(case.amount_agreed) if case.amount_agreed is not None else "",
            "amount_upper": yuan_upper(case.amount_agreed) if case.amount_agreed is not None else "",
            "performance_on": num_date(case.performance_date), "performance": deadline_view(performance),
            "mediator": _mediator_name(ctx["round"])}


def _referral(document, ctx, _source):
    case = ctx["case"]
    return {"to_org": case.org, "reason": ctx["round"].reason if ctx["round"] else "",
            "outcome": ctx["round"].outcome if ctx["round"] else "", "rounds": case.rounds,
            "limitation": deadline_view(open_deadline(case, "limitation")),
            "consent": case.escalation_consent}


def _handoff(document, ctx, _source):
    case = ctx["case"]
    from mediation.models.evidence import Evidence
    papers = db.session.scalars(select(Document).where(Document.case_id == case.id, Document.status == "issued",
                                                       Document.kind != "service_receipt")
                                .order_by(Document.created_at, Document.id)).all()
    evidence = db.session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)).all()
    index = [{"title": "调解申请书（登记信息）", "number": case.number, "date": ctx["filed_on"]}]
    index += [{"title": p.title or p.kind, "number": p.number, "date": num_date(p.created_at.date())} for p in papers]
    index += [{"title": f"证据材料：{e.filename}", "number": f"SHA-256 {e.sha256[:16]}…",
               "date": num_date(e.uploaded_at.date())} for e in evidence]
    arbitration = db.session.scalars(select(Organisation).where(Organisation.kind == "arbitration")).first()
    return {"to_org": arbitration, "index": index, "rounds": case.rounds, "reason": ctx["round"].reason if ctx["round"]
            else "", "worker_choice": bool(ctx["event_data"].get("worker_choice")),
            "non_performance": case.non_performance_reported_at is not None}


def _record(document, ctx, session):
    if session is None:
        return {"session": None}
    held = session.held_at
    return {"session": session, "held_on": f"{num_date(held.date())} {held:%H:%M}" if held else ""}


def _receipt(document, ctx, served):
    if served is None:
        return {"served": None}
    method = {"electronic": "电子送达（推送至案件查询页面）", "in_person": "直接送达"}.get(served.service_method or "",
                                                                                   served.service_method or "")
    return {"served": served, "method": method,
            "served_on": f"{num_date(served.served_at.date())} {served.served_at:%H:%M}" if served.served_at else ""}


_KIND_CONTEXT = {
    "acceptance_notice": _acceptance, "rejection_notice": _rejection, "failure_notice": _failure,
    "mediation_agreement": _agreement, "referral_letter": _referral, "arbitration_handoff_letter": _handoff,
    "mediation_record": _record, "service_receipt": _receipt,
}

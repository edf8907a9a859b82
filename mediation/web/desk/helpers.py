"""Display helpers of the desk: labels by language, deadline rows, and the fire forms' fields."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Case, Organisation, User
from mediation.models.cases import CATEGORY_LABELS, CHANNEL_LABELS
from mediation.models.desk import REFERRAL_LABELS
from mediation.services import policy
from mediation.services.lifecycle import FIELD_LABELS
from mediation.sla import deadlines as sla_deadlines
from workflows.lifecycle import ARBITRATION_OUTCOMES, TIMERS
from workflows.machine import declarations

EVENT_LABELS = {
    "filed": ("Complaint registered", "登记申请"),
    "session": ("Mediation session", "调解会谈"),
    "assigned": ("Mediator assigned", "指派调解员"),
    "id_revealed": ("Full ID number viewed", "查看完整身份证号码"),
    "note": ("Internal note", "内部备注"),
    "referral": ("Referral made", "转介"),
    "referral_outcome": ("Referral outcome recorded", "登记转介结果"),
    "deadline_warning": ("Deadline approaching", "期限即将届满"),
    "deadline_breached": ("Deadline passed", "期限已届满"),
    "deadline_recomputed": ("Deadline recomputed", "期限重新计算"),
}
SLA_LABELS = {"on_time": ("On time", "正常", "badge-ok"), "warning": ("Due soon", "临期", "badge-warn"),
              "breached": ("Overdue", "超期", "badge-bad")}
#: The form widget each declared data type gets.
WIDGETS = {"text": "textarea", "future_date": "date", "amount": "amount", "days": "number", "bool": "checkbox",
           "arbitration_outcome": "select"}
SHORT_TEXT_FIELDS = ("arbitration_case_no",)


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "en" else pair[1]


def category_label(code: str, lang: str) -> str:
    return pick(CATEGORY_LABELS.get(code, (code, code)), lang)


def channel_label(code: str, lang: str) -> str:
    return pick(CHANNEL_LABELS.get(code, (code, code)), lang)


def referral_label(code: str, lang: str) -> str:
    return pick(REFERRAL_LABELS.get(code, (code, code)), lang)


def event_label(event, lang: str) -> str:
    from mediation.services.lifecycle import trigger_label
    if event.kind == "transition" and event.trigger:
        return trigger_label(event.trigger, lang)
    return pick(EVENT_LABELS.get(event.kind, (event.kind, event.kind)), lang)


def sla_display(sla: str | None, lang: str) -> tuple[str, str] | None:
    if sla is None:
        return None
    en, zh, css = SLA_LABELS[sla]
    return (en if lang == "en" else zh), css


def provisional_note(deadline, lang: str) -> str:
    years = "、".join(y for y in (deadline.provisional_years or "").split(",") if y)
    if lang == "en":
        return (f"Provisional: to be confirmed once the State Council publishes the {years.replace('、', ', ')}"
                " holiday schedule")
    return f"暂定，待国务院公布{years}年节假日安排后确认"


def deadline_rows(case: Case, lang: str) -> list[dict]:
    rows = []
    for d in sorted(case.deadlines, key=lambda d: (not d.is_open, d.due_at)):
        rows.append({"kind": d.kind, "label": pick((TIMERS[d.kind]["en"], TIMERS[d.kind]["zh"]), lang),
                     "due": d.due_date, "status": d.status, "open": d.is_open, "provisional": d.provisional,
                     "note": provisional_note(d, lang) if d.provisional else "",
                     "basis": sla_deadlines.basis(d.kind, lang)})
    return rows


def fire_fields(case: Case, trigger: str, lang: str) -> list[dict]:
    """The form fields a trigger's data needs, from its declaration in workflows/lifecycle.py."""
    spec = declarations(trigger, case.state) or {}
    fields = []
    for name, kind in spec.get("data", {}).items():
        base = kind.rstrip("?")
        widget = "text" if name in SHORT_TEXT_FIELDS else WIDGETS.get(base, "text")
        options = [(key, pick(pair, lang)) for key, pair in ARBITRATION_OUTCOMES.items()] if widget == "select" else []
        fields.append({"name": name, "label": pick(FIELD_LABELS.get(name, (name, name)), lang), "widget": widget,
                       "required": not kind.endswith("?") and widget != "checkbox", "options": options})
    return fields


def load_case(number: str) -> Case:
    """The case by number if the current user may see it; 404 exactly as for a case that does not exist."""
    case = db.session.scalars(select(Case).where(Case.number == number)).first()
    if case is None or not policy.can_view(current_user, case):
        abort(404)
    return case


def scope_orgs(actor) -> list[Organisation]:
    """The organisations whose cases the actor's queue can show, for the filter's list."""
    query = select(Organisation).where(Organisation.kind != "arbitration").order_by(Organisation.code)
    if actor.role in ("chair", "mediator") and actor.org.kind != "federation":
        ids = [actor.org_id] + [child.id for child in actor.org.children]
        query = query.where(Organisation.id.in_(ids))
    elif actor.role == "admin":
        return []
    return list(db.session.scalars(query).all())


def scope_mediators(orgs: list[Organisation]) -> list[User]:
    if not orgs:
        return []
    return list(db.session.scalars(select(User).where(User.org_id.in_([o.id for o in orgs]),
                                                      User.role.in_(("mediator", "chair")))
                                   .order_by(User.username)).all())

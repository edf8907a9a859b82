"""What a worker sees of their case, by case number and query code (DESIGN.md §8 GET /track).

A wrong code and an unknown case give the same answer (None); the timeline holds public events
only, never internal notes or ID-number accesses.
"""
from __future__ import annotations

from sqlalchemy import select

from mediation import crypto
from mediation.documents import display_title
from mediation.extensions import db
from mediation.models import Case, CaseEvent, Deadline, Document, Organisation
from mediation.services import errors
from mediation.services.actors import WorkerActor
from mediation.services.lifecycle import available_triggers, fire, state_label, trigger_label
from mediation.sla import clock, deadlines
from mediation.validation import FieldError
from workflows.lifecycle import TIMERS

# Compared against when the case does not exist, so both answers cost one HMAC.
_NO_HASH = "0" * 64

#: The timeline in the worker's words (trigger → en, zh); other triggers use their workflow label.
EVENT_LABELS = {
    "filed": ("Application filed", "提交调解申请"),
    "evidence_added": ("Evidence added ({count} file(s))", "补充证据{count}份"),
    "accept": ("Accepted; mediation has started", "已受理，开始调解"),
    "reject": ("Not accepted", "不予受理"),
    "agree": ("Mediation agreement reached", "达成调解协议"),
    "extend": ("Mediation term extended with both parties' consent", "经双方同意延长调解期限"),
    "fail": ("Mediation failed", "调解不成"),
    "expire": ("Mediation term ran out without agreement (deemed failed)", "调解期满未达成协议，视为调解不成"),
    "escalate": ("Referred to the next tier of mediation", "移送上一级调解组织"),
    "hand_to_arbitration": ("Handed to the labour arbitration commission", "移交劳动人事争议仲裁委员会"),
    "confirm_performance": ("Agreement performed; case closed", "调解协议已履行，结案"),
    "report_non_performance": ("Non-performance of the agreement recorded", "已登记调解协议未履行"),
    "withdraw": ("Application withdrawn", "撤回调解申请"),
    "arbitration_receive": ("Case accepted by the arbitration commission", "仲裁委员会已立案"),
    "arbitration_return": ("Delegated back to union mediation by the arbitration commission", "仲裁委员会委派工会调解"),
    "arbitration_close": ("Arbitration concluded", "仲裁已结案"),
}

#: The same events when the worker chose them, or when the system acted on the consent given at filing.
ACTOR_EVENT_LABELS = {
    ("escalate", "worker"): ("At your request, referred to the next tier of mediation",
                             "应您的申请，移送上一级调解组织"),
    ("escalate", "system"): ("Referred to the next tier of mediation, as you agreed when filing",
                             "按您申请时的同意，移送上一级调解组织"),
    ("hand_to_arbitration", "worker"): ("At your request, handed to the labour arbitration commission",
                                        "应您的申请，移交劳动人事争议仲裁委员会"),
    ("report_non_performance", "worker"): ("You reported that the employer has not performed the agreement",
                                           "您已报告用人单位未履行调解协议"),
}

def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang.startswith("en") else pair[1]


def normalise_case_no(case_no: str | None) -> str:
    return (case_no or "").strip().upper().replace(" ", "")


def find_case(case_no: str | None, code: str | None) -> Case | None:
    """The case if the number exists and the code matches; None in every other case, alike."""
    case = db.session.scalars(select(Case).where(Case.number == normalise_case_no(case_no))).first()
    matches = crypto.query_code_matches(code or "", case.query_code_hash if case else _NO_HASH)
    return case if case is not None and matches else None


def deadline_label(kind: str, lang: str) -> str:
    return TIMERS[kind]["en" if lang.startswith("en") else "zh"]


def provisional_note(deadline: Deadline, lang: str) -> str:
    years = "、".join(y for y in deadline.provisional_years.split(",") if y) or "?"
    if lang.startswith("en"):
        return f"Provisional: to be confirmed once the State Council publishes the {years.replace('、', ', ')}" \
               " public holiday schedule"
    return f"暂定，待国务院公布{years}年节假日安排后确认"


def deadline_dict(deadline: Deadline, lang: str = "zh") -> dict:
    """A deadline as every answer shows it: {kind, due, provisional, basis} (DESIGN.md §8)."""
    return {"kind": deadline.kind, "due": deadline.due_date.isoformat(), "provisional": deadline.provisional,
            "basis": deadlines.basis(deadline.kind, lang)}


def deadline_display(deadline: Deadline | None, lang: str = "zh") -> dict | None:
    """deadline_dict plus the label and the provisional explanation, for pages."""
    if deadline is None:
        return None
    return {**deadline_dict(deadline, lang), "label": deadline_label(deadline.kind, lang),
            "note": provisional_note(deadline, lang) if deadline.provisional else ""}


def open_deadlines(case: Case) -> list[Deadline]:
    return sorted(case.open_deadlines(), key=lambda d: d.due_at)


def limitation(case: Case) -> Deadline | None:
    """The open arbitration limitation period (shown on the page beside the next deadline)."""
    return next((d for d in case.open_deadlines() if d.kind == "limitation"), None)


def _event_label(event: CaseEvent, lang: str) -> str:
    key = event.trigger if event.kind == "transition" else event.kind
    pair = ACTOR_EVENT_LABELS.get((key, event.actor_label)) or EVENT_LABELS.get(key)
    if pair is None:
        return trigger_label(event.trigger, lang) if event.trigger else event.kind
    return _pick(pair, lang).format(count=(event.data or {}).get("count", ""))


def timeline(case: Case, lang: str = "zh") -> list[dict]:
    rows = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
                              .order_by(CaseEvent.at, CaseEvent.id))
    return [{"at": e.at.isoformat(timespec="minutes"), "label": _event_label(e, lang)} for e in rows]


def issued_documents(case: Case) -> list[Document]:
    return list(db.session.scalars(select(Document).where(
        Document.case_id == case.id, Document.status == "issued", Document.served_at.is_not(None))
        .order_by(Document.served_at, Document.id)))


def document_title(document: Document, lang: str = "zh") -> str:
    title = display_title(document, "en" if lang.startswith("en") else "zh")
    return f"{title}（{document.number}）" if document.number and not lang.startswith("en") else \
        f"{title} ({document.number})" if document.number else title


def document_url(case: Case, document: Document) -> str:
    return f"/track/{case.number}/documents/{document.id}.pdf"


def public_view(case: Case, lang: str = "zh") -> dict:
    """The worker's view of the case, exactly the DESIGN.md §8 track shape."""
    nxt = deadlines.next_deadline(case)
    return {
        "case_no": case.number,
        "state": case.state,
        "state_label": state_label(case.state, lang),
        "org": {"name": case.org.name, "contact": case.org.contact},
        "timeline": timeline(case, lang),
        "next_deadline": deadline_dict(nxt, lang) if nxt else None,
        "documents": [{"id": d.id, "title": document_title(d, lang), "url": document_url(case, d)}
                      for d in issued_documents(case)],
    }


def worker_can_withdraw(case: Case) -> bool:
    return "withdraw" in available_triggers(case, WorkerActor(case.id))


# --- the worker's decisions (调解仲裁法 art. 5, 14, 15; DESIGN.md §4) ------------------------------

#: The only triggers a worker may fire from the portal; withdraw keeps its own page (also through worker_fire).
WORKER_TRIGGERS = ("escalate", "hand_to_arbitration", "report_non_performance", "withdraw")
DECISIONS = ("escalate", "hand_to_arbitration", "report_non_performance")


def performance_due(case: Case) -> bool:
    """Whether the agreed performance date has come (non-performance can be reported from that day)."""
    return case.performance_date is not None and case.performance_date <= clock.today()


def worker_choices(case: Case) -> list[str]:
    """The decisions the worker may take on the case now, in the order the page offers them."""
    available = available_triggers(case, WorkerActor(case.id))
    if case.state in ("failed", "rejected"):
        return [t for t in ("escalate", "hand_to_arbitration") if t in available]
    if case.state == "agreed":
        choices = []
        if "report_non_performance" in available and performance_due(case):
            choices.append("report_non_performance")
        if "hand_to_arbitration" in available:
            choices.append("hand_to_arbitration")
        return choices
    return []


def arbitration_commission() -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.kind == "arbitration")
                              .order_by(Organisation.id)).first()


def decision_facts(case: Case, trigger: str, lang: str = "zh") -> dict:
    """What the confirmation page tells the worker about a decision: who takes the case next, by when."""
    if trigger == "escalate":
        parent = case.org.parent
        return {"org": {"name": parent.name, "contact": parent.contact} if parent else None}
    if trigger == "hand_to_arbitration":
        commission = arbitration_commission()
        return {"org": {"name": commission.name, "contact": commission.contact} if commission else None,
                "limitation": deadline_display(limitation(case), lang),
                "with_agreement": case.state == "agreed"}
    if trigger == "report_non_performance":
        return {"performance_date": case.performance_date.isoformat() if case.performance_date else None,
                "terms": case.agreement_terms}
    return {}


def worker_fire(case: Case, trigger: str, version, **data) -> Case:
    """Fire one of the worker's own triggers as the worker of this case, at the version they saw.

    Raises a ServiceError (Stale, NotAllowed, InvalidData, Forbidden) with zh/en messages.
    """
    if trigger not in WORKER_TRIGGERS:
        raise errors.Forbidden("This is not a step you can take yourself.", "此操作不能由您本人办理。")
    fresh = version is not None and str(version) == str(case.version)
    if fresh and trigger == "report_non_performance" and case.state == "agreed" and not performance_due(case):
        due = case.performance_date.isoformat() if case.performance_date else "?"
        raise errors.NotAllowed(
            f"The employer has until {due} to perform the agreement; you can report non-performance from that day.",
            f"调解协议约定的履行期限为{due}，期限届至后才能报告未履行。")
    if fresh and trigger == "report_non_performance" and not str(data.get("note") or "").strip():
        raise errors.InvalidData("Please say what the employer has not done.", "请写明用人单位哪些约定没有履行。",
                                 fields={"note": FieldError("text.required",
                                                            "Please say what the employer has not done.",
                                                            "请写明用人单位哪些约定没有履行。")})
    if trigger == "hand_to_arbitration" and case.state in ("failed", "rejected"):
        data["worker_choice"] = True  # the worker's own choice (调解仲裁法 art. 5)
    allowed = {"note", "reason", "worker_choice"}
    clean = {key: value for key, value in data.items() if key in allowed}
    return fire(case, trigger, WorkerActor(case.id), version="" if version is None else version, **clean)

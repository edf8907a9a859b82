"""What a worker can do when a mediation agreement is not performed (DOMAIN.md §3).

- apply for arbitration (调解仲裁法 art. 15), within the limitation period (art. 27), which restarts on the
  agreed performance date once non-performance is recorded;
- arbitral review and confirmation of the agreement (仲裁审查确认): both parties jointly, within 15 days
  of the agreement taking effect (劳动人事争议仲裁办案规则 art. 74);
- for wages, work-injury medical costs, economic compensation or damages: a payment order (支付令) from
  the people's court on the agreement (调解仲裁法 art. 16).
"""
from __future__ import annotations

from datetime import date

from mediation.models import Case
from mediation.models.cases import CATEGORY_LABELS
from mediation.sla import calendar, clock, deadlines

#: Categories whose agreements support a payment order (art. 16): wages, work-injury medical costs,
#: economic compensation or damages.
PAYMENT_ORDER_CATEGORIES = ("wages", "work_injury", "severance")
CONFIRMATION_DAYS = 15

_TEXT = {
    "arbitration": {
        "title": ("Apply to the labour arbitration commission", "申请劳动争议仲裁"),
        "text": ("The agreement was not performed within the agreed term, so you may apply for arbitration. "
                 "The union can hand the case file to the commission for you.",
                 "用人单位未在调解协议约定的期限内履行，您可以依法申请仲裁。工会可将案卷移交仲裁委员会。"),
        "article": ("Labour Dispute Mediation and Arbitration Law art. 15; limitation period art. 27",
                    "《劳动争议调解仲裁法》第十五条；仲裁时效见第二十七条"),
    },
    "arbitral_confirmation": {
        "title": ("Arbitral review and confirmation of the agreement", "申请仲裁审查确认调解协议"),
        "text": ("Both parties may jointly ask the arbitration commission to review the agreement; it then issues "
                 "an arbitral mediation document, which can be enforced by the court.",
                 "双方当事人可共同向仲裁委员会申请审查调解协议，仲裁委员会审查后制作仲裁调解书，可申请法院强制执行。"),
        "article": ("Rules for Handling Labour and Personnel Dispute Arbitration Cases art. 74 (15 days from the "
                    "agreement taking effect, joint application)",
                    "《劳动人事争议仲裁办案规则》第七十四条（自调解协议生效之日起十五日内，双方共同申请）"),
    },
    "payment_order": {
        "title": ("Payment order (支付令) from the people's court", "向人民法院申请支付令"),
        "text": ("The agreement concerns {categories}: you may take the agreement to the basic people's court and "
                 "apply for a payment order. If the employer objects in time, you may still apply for arbitration.",
                 "本协议涉及{categories}事项，您可以持调解协议书向基层人民法院申请支付令。用人单位提出异议的，仍可申请仲裁。"),
        "article": ("Labour Dispute Mediation and Arbitration Law art. 16", "《劳动争议调解仲裁法》第十六条"),
    },
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang.startswith("en") else pair[1]


def _agreement_date(case: Case) -> date | None:
    agreed = [r for r in case.rounds if r.outcome == "agreed" and r.ended_at]
    return agreed[-1].ended_at.date() if agreed else None


def _limitation_deadline(case: Case, lang: str) -> dict | None:
    rows = [d for d in case.open_deadlines() if d.kind == "limitation"]
    if not rows:
        return None
    row = rows[-1]
    return {"kind": "limitation", "due": row.due_date.isoformat(), "provisional": row.provisional,
            "basis": deadlines.basis("limitation", lang), "passed": row.due_date < clock.today()}


def _confirmation_deadline(case: Case, lang: str) -> dict | None:
    start = _agreement_date(case)
    if start is None:
        return None
    term = calendar.compute_term(start, CONFIRMATION_DAYS, calendar.CALENDAR)
    basis = _pick(("15 days from the agreement taking effect — Rules for Handling Labour and Personnel Dispute "
                   "Arbitration Cases art. 74", "自调解协议生效之日起十五日内 — 《劳动人事争议仲裁办案规则》第七十四条"), lang)
    return {"kind": "arbitral_confirmation", "due": term.end.isoformat(), "provisional": bool(term.provisional_years),
            "basis": basis, "passed": term.end < clock.today()}


def payment_order_categories(case: Case) -> list[str]:
    return [c for c in PAYMENT_ORDER_CATEGORIES if c in case.categories]


def worker_options(case: Case, lang: str = "zh") -> list[dict]:
    """The worker's options for an agreement not performed: [{key, title, text, article, deadline}].

    Empty unless the case has an agreement whose non-performance is recorded.
    """
    if case.non_performance_reported_at is None or case.agreement_terms is None:
        return []

    def option(key: str, deadline: dict | None, **fmt) -> dict:
        texts = _TEXT[key]
        return {"key": key, "title": _pick(texts["title"], lang), "text": _pick(texts["text"], lang).format(**fmt),
                "article": _pick(texts["article"], lang), "deadline": deadline}

    options = [option("arbitration", _limitation_deadline(case, lang)),
               option("arbitral_confirmation", _confirmation_deadline(case, lang))]
    qualifying = payment_order_categories(case)
    if qualifying:
        sep = ", " if lang.startswith("en") else "、"
        names = sep.join(_pick(CATEGORY_LABELS[c], lang) for c in qualifying)
        option_ = option("payment_order", None, categories=names)
        option_["categories"] = qualifying
        options.append(option_)
    return options

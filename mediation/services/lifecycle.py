"""fire(case, trigger, actor, **data): the one way a case changes state (DESIGN.md §4).

It checks the trigger, the caller's version, permission, the state and conditions, validates the
trigger's data, runs the transition on the unbound case, switches the SLA timers, queues the
declared documents, appends the audit event and commits; on any error it rolls back and nothing
changes. Work that must follow a commit (rendering PDFs, delivering notifications) is registered in
AFTER_COMMIT and never undoes the transition when it fails.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Callable

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseEvent, Document
from mediation.services import errors, policy
from mediation.services import events as events_service
from mediation.services.actors import SYSTEM, actor_label
from mediation.sla import clock, deadlines
from workflows.lifecycle import ARBITRATION_OUTCOMES, STATES, TRANSITIONS, TRIGGER_NAMES
from workflows.machine import MACHINE, declarations, fire_on, triggers_from

log = logging.getLogger(__name__)

#: Functions called as fn(case, events) after a successful commit (documents, notifications).
AFTER_COMMIT: list[Callable[[Case, list[CaseEvent]], None]] = []

FIELD_LABELS = {
    "reason": ("Reason", "理由"), "terms": ("Agreed terms", "协议内容"),
    "performance_date": ("Performance date", "履行期限"), "amount_agreed": ("Agreed amount", "协议金额"),
    "days": ("Extra days", "延长天数"), "consent_note": ("Both parties' consent", "双方同意情况"),
    "note": ("Note", "说明"), "arbitration_case_no": ("Arbitration case number", "仲裁案号"),
    "instructions": ("Instructions", "委派事项"), "due": ("Due date", "完成期限"),
    "outcome": ("Outcome", "结案方式"), "worker_choice": ("The worker chose arbitration", "劳动者选择申请仲裁"),
}


@dataclass
class TransitionContext:
    actor: object
    now: datetime
    trigger: str
    data: dict
    probing: bool = False
    #: Triggers a callback asks to fire next, in the same transaction (automatic escalation).
    chain: list[str] = field(default_factory=list)


def _parse_field(name: str, kind: str, raw, today: date):
    label_en, label_zh = FIELD_LABELS.get(name, (name, name))
    if kind == "text":
        return v.parse_text(raw, max_length=5000, label_en=label_en, label_zh=label_zh)
    if kind == "future_date":
        return v.parse_date(raw, not_before=today)
    if kind == "amount":
        return v.parse_amount(raw)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "1", "yes", "on", "false", "0", "no", "off", ""):
            return str(raw).lower() in ("true", "1", "yes", "on")
        raise v.FieldError("bool.format", f"{label_en} must be yes or no.", f"{label_zh}只能填“是”或“否”。")
    if kind == "days":
        limit = current_app.config["MEDIATION"]["sla"]["terms"]["mediation"]["max_extension_days"]
        try:
            days = int(str(raw).strip())
        except ValueError:
            days = 0
        if not 1 <= days <= limit or isinstance(raw, float):
            raise v.FieldError("days.range", "Enter a whole number of days from 1 to {limit}.",
                               "请填写1至{limit}之间的整数天数。", limit=limit)
        return days
    if kind == "arbitration_outcome":
        return v.parse_choice(raw, ARBITRATION_OUTCOMES, label_en=label_en, label_zh=label_zh)
    raise ValueError(f"unknown data type {kind!r} in the workflow declaration")


def validate_data(spec: dict, data: dict, today: date) -> dict:
    """Return the trigger's data validated and typed; InvalidData lists every bad field."""
    problems = v.ValidationErrors()
    clean = {}
    for name, kind in spec.get("data", {}).items():
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        raw = data.get(name)
        if optional and (raw is None or raw == ""):
            continue
        with problems.field(name):
            clean[name] = _parse_field(name, kind, raw, today)
    if problems:
        raise errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields=problems.errors)
    extras = {k: val for k, val in data.items() if k not in clean and k in ("mediator_id",)}
    return {**clean, **extras}


def _jsonable(data: dict) -> dict:
    def convert(value):
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value
    return {key: convert(value) for key, value in data.items()}


def _conditions_hold(spec: dict, case: Case, ctx: TransitionContext) -> bool:
    event = SimpleNamespace(model=case, kwargs={"ctx": ctx})
    return all(MACHINE.resolve_callable(name, event)(event) for name in spec.get("conditions", []))


def available_triggers(case: Case, actor) -> list[str]:
    """The triggers the actor may fire on the case now (the buttons of a case page, the API's list)."""
    if not policy.can_view(actor, case):
        return []
    ctx = TransitionContext(actor=actor, now=clock.local_now(), trigger="", data={}, probing=True)
    return [trigger for trigger in triggers_from(case.state)
            if policy.can_fire(actor, trigger, case)
            and _conditions_hold(declarations(trigger, case.state), case, ctx)]


def state_label(state: str, lang: str = "zh") -> str:
    return STATES[state]["en" if lang.startswith("en") else "zh"]


def trigger_label(trigger: str, lang: str = "zh") -> str:
    spec = next(t for t in TRANSITIONS if t["trigger"] == trigger)
    return spec["en" if lang.startswith("en") else "zh"]


def _run(case: Case, trigger: str, actor, data: dict, now: datetime) -> list[CaseEvent]:
    """Run one transition (and any it chains) in the open transaction; return the audit events."""
    spec = declarations(trigger, case.state)
    if spec is None:
        raise errors.NotAllowed(
            f"“{trigger_label(trigger, 'en')}” is not possible while the case is “{state_label(case.state, 'en')}”.",
            f"案件当前状态为“{state_label(case.state)}”，不能执行“{trigger_label(trigger)}”。")
    clean = validate_data(spec, data, now.date())
    ctx = TransitionContext(actor=actor, now=now, trigger=trigger, data=clean)
    if not _conditions_hold(spec, case, ctx):
        raise errors.NotAllowed(
            f"“{trigger_label(trigger, 'en')}” is not possible for this case now: {_refusal(trigger, case, 'en')}",
            f"本案目前不能执行“{trigger_label(trigger)}”：{_refusal(trigger, case, 'zh')}")
    source = case.state
    round_before = case.current_round
    if not fire_on(case, trigger, ctx=ctx):
        raise errors.NotAllowed("A condition of this step is not met.", "本步骤的条件不满足。")
    if spec["dest"] is not None:  # internal transitions (extend, report non-performance) keep the timers
        # A withdrawal cancels the running terms; any other decision meets (or breached) them.
        deadlines.close_state_timers(case, source, now, cancelled=case.state == "withdrawn")
        if STATES[case.state].get("final"):
            for deadline in case.open_deadlines():
                deadlines.close(deadline, now, cancelled=True)
        deadlines.start_state_timers(case, case.state, now)
    deadlines.refresh_next_due(case)
    event = CaseEvent(case_id=case.id, at=now, kind="transition", actor_id=getattr(actor, "id", None),
                      actor_label=actor_label(actor), trigger=trigger, from_state=source, to_state=case.state,
                      data=_jsonable(clean), public=spec.get("public", False))
    db.session.add(event)
    db.session.flush()
    for kind in spec.get("documents", []):
        db.session.add(Document(case_id=case.id, round_id=round_before.id if round_before else None,
                                event_id=event.id, kind=kind, status="pending", created_at=now))
    db.session.flush()
    events_service.record(case, event)
    events = [event]
    for next_trigger in ctx.chain:
        events.extend(_run(case, next_trigger, SYSTEM, {}, now))
    return events


def _refusal(trigger: str, case: Case, lang: str) -> str:
    reasons = {
        "escalate": ("the federation is the last tier; hand the case to arbitration instead.",
                     "总工会已是最高一级调解组织，请改为移交仲裁。"),
        "extend": ("the term has already been extended once.", "调解期限已延长过一次。"),
        "hand_to_arbitration": ("below the federation only the worker's own choice sends a case to arbitration"
                                " (for an agreement: once non-performance is recorded).",
                                "在总工会以下，须由劳动者本人选择申请仲裁（调解协议须先登记未履行）。"),
        "report_non_performance": ("non-performance is already recorded.", "已登记未履行。"),
    }
    en, zh = reasons.get(trigger, ("a condition is not met.", "条件不满足。"))
    return en if lang == "en" else zh


def fire(case: Case, trigger: str, actor, version: int | None = None, **data) -> Case:
    """Fire `trigger` on `case` as `actor`; commit, or raise a ServiceError and change nothing."""
    events = fire_uncommitted(case, trigger, actor, version, **data)
    with rollback_on_error():
        db.session.commit()
    run_after_commit(case, events)
    return case


def fire_uncommitted(case: Case, trigger: str, actor, version: int | None = None, *,
                     now: datetime | None = None, **data) -> list[CaseEvent]:
    """Check and run the transition in the open transaction and flush; the caller commits.

    On any error the session is rolled back and the error raised.
    """
    if trigger not in TRIGGER_NAMES:
        raise errors.UnknownTrigger(f"Unknown action “{trigger}”.", f"未知的操作“{trigger}”。")
    if not policy.can_view(actor, case):
        raise errors.NotFound("No such case.", "案件不存在。")
    check_version(case, version)
    if not policy.can_fire(actor, trigger, case):
        raise errors.Forbidden("You may see this case but not do this.", "您可以查看本案，但无权执行此操作。")
    with rollback_on_error():
        case.version = case.version + 1
        events = _run(case, trigger, actor, data, now or clock.local_now())
        db.session.flush()  # UPDATE ... WHERE version = read version: StaleDataError if beaten to it
    return events


def check_version(case: Case, version) -> None:
    """Raise Stale when the caller read an older version of the case than the one stored."""
    if version is not None and str(version) != str(case.version):
        raise errors.Stale("Someone changed this case after you opened it. Reload it and check before acting.",
                           "您打开本案后，案件已被他人修改。请刷新页面，核对后再操作。")


@contextmanager
def rollback_on_error():
    """Roll the session back on any error; a lost optimistic-lock race becomes errors.Stale."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise errors.Stale("Someone changed this case at the same moment. Reload it and check before acting.",
                           "案件刚被他人同时修改。请刷新页面，核对后再操作。") from None
    except BaseException:
        db.session.rollback()
        raise


def run_after_commit(case: Case, events: list[CaseEvent]) -> None:
    for hook in AFTER_COMMIT:
        try:
            hook(case, events)
        except Exception:  # a failed delivery or rendering never undoes a committed transition
            log.exception("after-commit hook %s failed for case %s", hook, case.number)

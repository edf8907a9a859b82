"""Mediation sessions (调解笔录) and internal notes: appended to the case record, never edited.

A session record states time, place, participants, what was said and the outcome (DOMAIN.md §3);
the worker's timeline shows only that a session took place, when and where.
"""
from __future__ import annotations

import logging
from datetime import datetime

from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseEvent, MediationSession
from mediation.services import errors, policy
from mediation.services.actors import actor_label
from mediation.services.events import record
from mediation.sla import clock

log = logging.getLogger(__name__)
SESSION_STATES = ("mediating",)


def parse_datetime(raw) -> datetime:
    """A date and time as typed in a datetime-local field (2026-11-25T09:30), not in the future."""
    if isinstance(raw, datetime):
        value = raw
    else:
        text = (raw or "").strip().replace(" ", "T")
        if not text:
            raise v.FieldError("datetime.required", "Enter the date and time.", "请填写日期和时间。")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise v.FieldError("datetime.format", "Enter the date and time like 2026-11-25 09:30.",
                               "日期时间格式应为2026-11-25 09:30。") from None
    value = value.replace(tzinfo=None, second=0, microsecond=0)
    if value > clock.local_now():
        raise v.FieldError("datetime.future", "A session is recorded after it was held: the time cannot be"
                           " in the future.", "笔录记录已举行的调解，时间不能晚于现在。")
    return value




def record_session(case: Case, actor, *, held_at, place: str, attendees: str, statements: str,
                   outcome: str) -> MediationSession:
    """Append a session record and its audit event; queue its 调解笔录; commit."""
    policy.require_recorder(actor, case)
    if case.state not in SESSION_STATES:
        raise errors.NotAllowed("Sessions are recorded while the case is in mediation.",
                                "案件处于“调解中”时才能记录调解笔录。")
    problems = v.ValidationErrors()
    clean: dict = {}
    with problems.field("held_at"):
        clean["held_at"] = parse_datetime(held_at)
    for name, raw, en, zh, most in (("place", place, "Place", "地点", 200),
                                    ("attendees", attendees, "Attendees", "参加人员", 2000),
                                    ("statements", statements, "What each party said", "各方陈述", 20000),
                                    ("outcome", outcome, "Outcome", "调解结果", 5000)):
        with problems.field(name):
            clean[name] = v.parse_text(raw, max_length=most, label_en=en, label_zh=zh)
    if problems:
        raise errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields=problems.errors)
    now = clock.local_now()
    try:
        session = MediationSession(case_id=case.id, round_id=case.current_round.id if case.current_round else None,
                                   recorded_by_id=actor.id, created_at=now, **clean)
        db.session.add(session)
        db.session.flush()
        record(case, CaseEvent(case_id=case.id, at=now, kind="session", actor_id=actor.id,
                               actor_label=actor_label(actor), public=True,
                               data={"session_id": session.id, "held_at": clean["held_at"].isoformat(),
                                     "place": clean["place"]}))
        _queue_record(case, session)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _render(case)
    return session


def _queue_record(case: Case, session: MediationSession) -> None:
    try:
        from mediation.documents import queue
    except ImportError:  # the documents package is optional for the desk
        return
    queue(case, "mediation_record", source_id=session.id)


def _render(case: Case) -> None:
    try:
        from mediation.documents.render import render_case
    except ImportError:
        return
    try:
        render_case(case)
    except Exception:  # a failed rendering never undoes the committed record; it stays pending
        log.exception("rendering the session record of %s failed", case.number)


def add_note(case: Case, actor, text: str) -> CaseEvent:
    """Append an internal note (never shown to the worker)."""
    policy.require_recorder(actor, case)
    try:
        clean = v.parse_text(text, max_length=5000, label_en="Note", label_zh="备注")
    except v.FieldError as err:
        raise errors.InvalidData("Some fields are not valid.", "部分内容填写有误。", fields={"note": err}) from None
    try:
        event = record(case, CaseEvent(case_id=case.id, at=clock.local_now(), kind="note", actor_id=actor.id,
                                       actor_label=actor_label(actor), public=False, data={"text": clean}))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return event

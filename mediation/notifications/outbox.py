"""The transactional outbox: the ON_EVENT hook turns a case event into Notification rows.

The rows are added to the session of the event's own transaction: they commit with it or vanish
with it. Nothing is sent here; mediation.notifications.delivery does that after commit. A text that
cannot be rendered is logged and skipped: a notification never rolls back a transition.
"""
from __future__ import annotations

import logging
from datetime import datetime
from flask import current_app
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Case, CaseEvent, Document, Organisation, User
from mediation.models.notifications import Notification, NotificationPreference
from mediation.notifications import quiet
from mediation.notifications.channels import sms_parts
from mediation.notifications.texts import lang_of, render
from workflows.lifecycle import STATES, TIMERS
from mediation.documents import title as document_kind_title
from workflows.notifications import CHANNELS, DOCUMENT_RULE, rules_for

log = logging.getLogger(__name__)
STAFF_ROLES = ("chair", "mediator")


def settings() -> dict:
    return current_app.config["MEDIATION"].get("notifications", {})


def on_event(case: Case, event: CaseEvent) -> None:
    """ON_EVENT hook: add the event's notification rows to the open transaction."""
    if not settings().get("enabled", True):
        return
    try:
        rows = rows_for_event(case, event)
    except Exception:  # a broken text or rule must not undo the transition (issue: notifications §5)
        log.exception("notifications for event %s of case %s not written", event.id, case.number)
        return
    db.session.add_all(rows)


def rows_for_event(case: Case, event: CaseEvent) -> list[Notification]:
    deadline_kind = (event.data or {}).get("kind") if event.kind.startswith("deadline_") else None
    messages = [(rule, {}) for rule in rules_for(event.kind, event.trigger, deadline_kind)
                if _applies(rule, event)]
    if event.kind == "transition":
        documents = db.session.scalars(select(Document).where(Document.event_id == event.id)
                                       .order_by(Document.id)).all()
        messages += [(DOCUMENT_RULE, {"document_kind": d.kind}) for d in documents]
    rows: list[Notification] = []
    seen: set[str] = set()
    for rule, extra in messages:
        for recipient_kind in rule["to"]:
            for recipient in recipients(recipient_kind, case, event):
                for row in build(rule, extra, recipient_kind, recipient, case, event):
                    if row.key not in seen:  # the chair who is also the assigned mediator hears once
                        seen.add(row.key)
                        rows.append(row)
    return rows


def _applies(rule: dict, event: CaseEvent) -> bool:
    field = rule.get("only_if_future")
    if not field:
        return True
    try:
        moment = datetime.fromisoformat(str((event.data or {}).get(field)))
    except ValueError:
        return False
    return moment.replace(tzinfo=None) > event.at


def recipients(kind: str, case: Case, event: CaseEvent) -> list:
    """Parties (workers) or Users for a recipient kind, as the case stands after the event."""
    if kind == "worker":
        parties = list(case.parties)
        if case.is_collective:  # a collective dispute speaks through its elected representatives
            parties = [p for p in parties if p.is_representative] or parties[:1]
        return parties
    query = select(User).where(User.active.is_(True)).order_by(User.id)
    if kind == "org_staff":
        return db.session.scalars(query.where(User.org_id == case.org_id, User.role.in_(STAFF_ROLES))).all()
    if kind == "chairs":
        return db.session.scalars(query.where(User.org_id == case.org_id, User.role == "chair")).all()
    if kind == "assigned_mediator":
        mediator_id = (event.data or {}).get("mediator_id") or case.mediator_id
        user = db.session.get(User, int(mediator_id)) if mediator_id else None
        return [user] if user is not None and user.active else []
    if kind == "liaison":
        return db.session.scalars(query.where(User.role == "liaison")).all()
    if kind == "managers":
        return db.session.scalars(query.where(User.role == "manager")).all()
    raise ValueError(f"unknown recipient kind {kind!r} in workflows/notifications.py")


def email_allowed(user: User) -> bool:
    pref = db.session.get(NotificationPreference, user.id)
    return pref is None or pref.email_notifications


def addresses(recipient_kind: str, recipient) -> list[tuple[str, str]]:
    """(channel, address) pairs on which to reach the recipient."""
    email_on = settings().get("email_enabled", True)
    found = []
    for channel in CHANNELS[recipient_kind]:
        if channel == "sms" and getattr(recipient, "phone", None):
            found.append(("sms", recipient.phone))
        elif channel == "app" and isinstance(recipient, User):
            found.append(("app", ""))
        elif channel == "email" and email_on and recipient.email:
            if not isinstance(recipient, User) or email_allowed(recipient):
                found.append(("email", recipient.email))
    return found


def build(rule: dict, extra: dict, recipient_kind: str, recipient, case: Case,
          event: CaseEvent) -> list[Notification]:
    is_user = isinstance(recipient, User)
    lang = lang_of(recipient.language if is_user else case.language)
    template = rule["template"]
    text = render(template, lang, context(case, event, lang, extra))
    now = event.at
    rows = []
    who = f"u{recipient.id}" if is_user else f"p{recipient.id}"
    suffix = f"/{extra['document_kind']}" if extra.get("document_kind") else ""
    for channel, address in addresses(recipient_kind, recipient):
        body = text.body
        parts = 1
        if channel == "sms":
            body = settings().get("sms", {}).get("signature", "") + text.sms
            parts = sms_parts(body)
        urgent = bool(rule.get("urgent"))
        due = quiet.release_time(now) if channel == "sms" and not urgent else now
        rows.append(Notification(
            key=f"e{event.id}:{template}{suffix}:{who}:{channel}", case_id=case.id, event_id=event.id,
            recipient_kind=recipient_kind, user_id=recipient.id if is_user else None, address=address,
            channel=channel, language=lang, template=template, subject=text.subject, body=body, parts=parts,
            urgent=urgent, status="pending", attempts=0, next_attempt_at=due, created_at=now))
    return rows


def _limitation_due(case: Case):
    open_ = [d for d in case.deadlines if d.kind == "limitation" and d.is_open]
    return open_[-1].due_date if open_ else None


def _arbitration() -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.kind == "arbitration")).first()


def context(case: Case, event: CaseEvent, lang: str, extra: dict) -> dict:
    """Everything a template may name, for this event in this language."""
    en = lang == "en"
    data = dict(event.data or {})
    deadline_kind = data.get("kind") if event.kind.startswith("deadline_") else None
    arbitration = _arbitration() if event.trigger == "hand_to_arbitration" else None
    mediator = None
    if data.get("mediator_id"):
        mediator = db.session.get(User, int(data["mediator_id"]))
    acceptance = next((d for d in case.deadlines if d.kind == "acceptance" and d.is_open), None)
    doc_kind = extra.get("document_kind")
    return {
        "case_no": case.number,
        "query_code": getattr(case, "_query_code", None) or "",
        "state": STATES[case.state]["en" if en else "zh"],
        "org_name": case.org.name,
        "org_contact": case.org.contact or "",
        "respondent": case.respondent_name,
        "applicant": case.parties[0].name if case.parties else "",
        "reason": data.get("reason", ""),
        "terms": data.get("terms", ""),
        "performance_date": data.get("performance_date") or case.performance_date or "",
        "limitation_date": _limitation_due(case) or "",
        "held_at": data.get("held_at", ""),
        "place": data.get("place", ""),
        "deadline_label": TIMERS[deadline_kind]["en" if en else "zh"] if deadline_kind in TIMERS else "",
        "due": data.get("due", ""),
        "acceptance_due": acceptance.due_date if acceptance else "",
        "arbitration_name": arbitration.name if arbitration else "",
        "arbitration_contact": (arbitration.contact or "") if arbitration else "",
        "mediator_name": (mediator.display_name or mediator.username) if mediator else "",
        "instructions": data.get("instructions", ""),
        "document_title": document_kind_title(doc_kind, "en" if en else "zh") if doc_kind else "",
        "hotline": current_app.config["MEDIATION"]["app"].get("hotline", "12351"),
        "site": current_app.config["MEDIATION"]["app"].get("public_base_url", ""),
    }


"""Corrections and verification: an issued document is never changed, only replaced by a new version."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from mediation.documents import queue, render
from mediation.extensions import db
from mediation.models import CaseEvent, Document
from mediation.services import errors
from mediation.services.actors import actor_label
from mediation.sla import clock
from mediation.validation import FieldError



def replacement_of(document: Document) -> Document | None:
    """The issued version that replaces `document`, if any."""
    return db.session.scalars(select(Document).where(Document.replaces_id == document.id,
                                                     Document.status == "issued")
                              .order_by(Document.id.desc())).first()


def correct(document: Document, actor, reason: str) -> Document:
    """Issue a corrected version of `document` from the case's current data: a new number that names
    the one it replaces; the old file and row stay as they were. Commits."""
    if document.status != "issued":
        raise errors.NotAllowed("Only an issued document can be corrected; regenerate a pending one instead.",
                                "只有已出具的文书才能更正；待生成的文书请重新生成。")
    if not reason or not reason.strip():
        problem = FieldError("reason.required", "Give the reason for the correction.", "请填写更正理由。")
        raise errors.InvalidData(problem.message_en, problem.message_zh, fields={"reason": problem})
    case = document.case
    now = clock.local_now()
    event = CaseEvent(case_id=case.id, at=now, kind="document_corrected", actor_id=getattr(actor, "id", None),
                      actor_label=actor_label(actor), data={"document": document.number, "reason": reason.strip()},
                      public=False)
    db.session.add(event)
    db.session.flush()
    new = queue(case, document.kind, round_id=document.round_id, source_id=document.source_id, event_id=event.id)
    new.replaces_id = document.id
    new.title = document.title
    db.session.commit()
    render.render_pending([new.id])
    db.session.refresh(new)
    return new


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lookup(number: str) -> Document | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    return db.session.scalars(select(Document).where(Document.number == number)).first()


def verify(number: str, sha256: str | None = None) -> str:
    """genuine | superseded | altered | unknown for a presented document number (and hash).

    A hash that differs is "altered" even for a superseded number: the paper presented is not ours.
    """
    document = lookup(number)
    if document is None or document.status != "issued":
        return "unknown"
    if sha256 and sha256.strip().lower() != document.sha256:
        return "altered"
    if replacement_of(document) is not None:
        return "superseded"
    return "genuine"

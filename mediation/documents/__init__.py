"""Statutory documents (DESIGN.md §6, issue 5): queued and numbered in the transaction that calls for
them, rendered to PDF after it commits, stored once with their SHA-256, verified by number.

Numbers read ORG-KIND-YEAR-SEQUENCE, e.g. E01-SL-2026-0007: one gap-free sequence per issuing
organisation, kind and year (the way a union numbers each register of its own papers), plain ASCII
so that a worker can type it into the verification page and it is safe in a path and a URL.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Case, CaseEvent, Document, Organisation, Round
from mediation.services import numbering
from mediation.sla import clock


@dataclass(frozen=True)
class Kind:
    code: str          #: in the number
    zh: str
    en: str
    #: Served on the worker when issued (electronic service through the tracking page).
    served: bool = False


KINDS: dict[str, Kind] = {
    "acceptance_notice": Kind("SL", "受理通知书", "Notice of acceptance", served=True),
    "rejection_notice": Kind("BSL", "不予受理通知书", "Notice of non-acceptance", served=True),
    "mediation_agreement": Kind("XY", "调解协议书", "Mediation agreement", served=True),
    "failure_notice": Kind("BC", "调解不成告知书", "Notice that mediation failed", served=True),
    "referral_letter": Kind("YS", "移送函", "Letter of referral"),
    "arbitration_handoff_letter": Kind("ZC", "仲裁移交函", "Letter handing the case to arbitration"),
    "mediation_record": Kind("BL", "调解笔录", "Record of a mediation session"),
    "service_receipt": Kind("SD", "送达回证", "Proof of service"),
}
#: A failure notice for a term that ran out is a notice of termination (调解仲裁法 art. 14).
EXPIRED_TITLE = ("终止调解告知书", "Notice that mediation ended")


def display_title(document, lang: str = "zh") -> str:
    """A stored document's title in the reader's language (the PDF itself is Chinese)."""
    if document.kind not in KINDS:
        return document.title or document.kind
    expired = document.title == EXPIRED_TITLE[0]
    return title(document.kind, lang, "expire" if expired else None)


def title(kind: str, lang: str = "zh", trigger: str | None = None) -> str:
    if kind == "failure_notice" and trigger == "expire":
        return EXPIRED_TITLE[1] if lang == "en" else EXPIRED_TITLE[0]
    spec = KINDS[kind]
    return spec.en if lang == "en" else spec.zh


def issuing_org(document: Document) -> Organisation:
    """The organisation whose name and number the document carries: that of its round, else the case's."""
    if document.round_id is not None:
        round_ = db.session.get(Round, document.round_id)
        if round_ is not None:
            return round_.org
    return document.case.org if document.case is not None else db.session.get(Case, document.case_id).org


def assign_number(document: Document) -> str:
    """Give the document the next number of its organisation, kind and year, in the open transaction."""
    org = issuing_org(document)
    year = (document.created_at or clock.local_now()).year
    code = KINDS[document.kind].code
    value = numbering.next_value(f"doc:{org.code}:{code}", year)
    document.number = f"{org.code}-{code}-{year}-{value:04d}"
    return document.number


def queue(case: Case, kind: str, *, round_id: int | None = None, source_id: int | None = None,
          event_id: int | None = None) -> Document:
    """Add a numbered pending document to the open transaction; render it after the commit with
    `mediation.documents.render.render_case(case)` (a transition's documents are rendered for you)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if round_id is None and case.current_round is not None:
        round_id = case.current_round.id
    document = Document(case_id=case.id, round_id=round_id, event_id=event_id, kind=kind, status="pending",
                        source_id=source_id, created_at=clock.local_now(), title=title(kind))
    document.case = case
    db.session.add(document)
    db.session.flush()
    assign_number(document)
    db.session.flush()
    return document


def number_event_documents(case: Case, event: CaseEvent) -> None:
    """ON_EVENT hook: number the documents a transition has just queued, in its own transaction, so a
    rolled-back transition gives its numbers back and two concurrent ones get distinct numbers."""
    if event.kind != "transition":
        return
    for document in db.session.scalars(select(Document).where(Document.event_id == event.id,
                                                              Document.number.is_(None))
                                       .order_by(Document.id)):
        document.title = document.title or title(document.kind, trigger=event.trigger)
        assign_number(document)
    db.session.flush()


def for_case(case: Case) -> list[Document]:
    """The case's documents, oldest first (staff who may see the case see them all)."""
    return list(db.session.scalars(select(Document).where(Document.case_id == case.id)
                                   .order_by(Document.created_at, Document.id)))


def served_on_worker(case: Case) -> list[Document]:
    """The documents served on the worker, for the tracking page."""
    return list(db.session.scalars(select(Document).where(Document.case_id == case.id,
                                                          Document.status == "issued",
                                                          Document.served_at.is_not(None))
                                   .order_by(Document.served_at, Document.id)))


def init_app(app: Flask) -> None:
    """Hook numbering into transitions and rendering after their commit; add the CLI command."""
    from mediation.documents import render
    from mediation.documents.cli import register
    from mediation.services import events, lifecycle
    if number_event_documents not in events.ON_EVENT:
        events.ON_EVENT.append(number_event_documents)
    if render.after_commit not in lifecycle.AFTER_COMMIT:
        # First: later hooks (the arbitration package, notifications) find the documents issued.
        lifecycle.AFTER_COMMIT.insert(0, render.after_commit)
    register(app)

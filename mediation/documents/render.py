"""Render documents to PDF (Jinja → WeasyPrint), store them once, serve them on the worker.

Rendering runs after the transition's commit. A failure (a font missing, a template error) leaves
the document pending with the error and never touches the transition; `documents-regenerate` retries.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

import segno
from flask import current_app
from sqlalchemy import select, update

from mediation.documents import KINDS, context, queue
from mediation.extensions import db
from mediation.models import Case, Document
from mediation.sla import clock

log = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """A document asked WeasyPrint for an external resource."""


def url_fetcher(url: str, *args, **kwargs):
    # Templates are self-contained (inline CSS and SVG, fonts from fontconfig): refuse file:// (local
    # file disclosure through user text) and every remote URL (SSRF, nothing fetched at print time).
    raise FetchRefused(f"external resource refused in a document: {url[:80]}")


def qr_svg(url: str) -> str:
    """The verification address as an inline SVG QR code (no file, no fetch)."""
    return segno.make(url, error="m").svg_inline(scale=2, border=1, omitsize=False)


def source_of(document: Document):
    """The row a document is about: the mediation session of a 调解笔录, the served document of a 送达回证."""
    if document.source_id is None:
        return None
    if document.kind == "service_receipt":
        return db.session.get(Document, document.source_id)
    if document.kind == "mediation_record":
        try:
            from mediation.models.desk import MediationSession
        except ImportError as exc:
            raise LookupError("mediation sessions are not available (mediation.models.desk)") from exc
        return db.session.get(MediationSession, document.source_id)
    return None


def render_html(document: Document, source=None) -> str:
    ctx = context.build(document, source)
    ctx["qr"] = qr_svg(ctx["verify_url"])
    # The app's Jinja environment without the page context processors: a document depends on its data
    # only, never on the request (it is rendered after a commit, from the CLI, by the sweeper).
    return current_app.jinja_env.get_template(f"documents/{document.kind}.html").render(**ctx)


_local = threading.local()


def _font_config():
    """One WeasyPrint FontConfiguration per thread, reused by every render in it.

    Creating one costs a fontconfig/Pango font map and throws away Pango's font and metrics caches:
    reusing it keeps them warm (about a sixth of a warm render). Pango font maps are not thread-safe,
    hence one per thread. Documents declare no @font-face, so nothing accumulates in it.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration
        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(html: str) -> bytes:
    """A4 PDF bytes of the document HTML (fonts subset: each PDF stays small)."""
    from weasyprint import HTML
    return HTML(string=html, url_fetcher=url_fetcher, base_url="about:blank").write_pdf(
        font_config=_font_config())


def _store(pdf: bytes, relative: str) -> Path:
    """Write to a temporary file beside the final path; the caller moves it once the row is claimed."""
    final = Path(current_app.config["DATA_DIR"]) / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=".pdf")
    with os.fdopen(fd, "wb") as f:
        f.write(pdf)
    return Path(tmp)


def issue(document: Document) -> bool:
    """Render, store and mark one pending document issued, then serve it when the worker is its addressee.

    Commits. Returns False (document left pending with the error) when rendering or storing fails.
    """
    doc_id = document.id
    try:
        pdf = render_pdf(render_html(document, source_of(document)))
        relative = f"documents/{document.created_at.year}/{document.number}.pdf"
        tmp = _store(pdf, relative)
    except Exception as exc:  # a font missing, a template error, a full disk: keep the data, record why
        db.session.rollback()
        log.exception("document %s could not be rendered", doc_id)
        _record_error(doc_id, f"{type(exc).__name__}: {exc}")
        return False
    digest = hashlib.sha256(pdf).hexdigest()
    now = clock.local_now()
    try:
        # Claim the row only if nobody issued it meanwhile (two renderers, the regenerate command).
        claimed = db.session.execute(update(Document).where(Document.id == doc_id, Document.status != "issued")
                                     .values(status="issued", sha256=digest, path=relative, issued_at=now,
                                             error=None)).rowcount
        if claimed:
            os.replace(tmp, Path(current_app.config["DATA_DIR"]) / relative)
            os.chmod(Path(current_app.config["DATA_DIR"]) / relative, 0o444)
            db.session.refresh(document)
            if KINDS[document.kind].served:
                serve(document, now)
        else:
            tmp.unlink(missing_ok=True)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        tmp.unlink(missing_ok=True)
        log.exception("document %s could not be stored", doc_id)
        _record_error(doc_id, f"{type(exc).__name__}: {exc}")
        return False
    return bool(claimed)


def _record_error(doc_id: int, message: str) -> None:
    try:
        db.session.execute(update(Document).where(Document.id == doc_id, Document.status != "issued")
                           .values(status="pending", error=message[:2000]))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record the rendering error of document %s", doc_id)


def serve(document: Document, now) -> Document:
    """Serve an issued document on the worker electronically and queue its 送达回证.

    Every deadline date it prints is now binding on the system: a later recomputation may not move
    it earlier (issue 9), so the served date is kept on the deadline.
    """
    case = document.case
    document.served_at = now
    document.service_method = "electronic"
    document.served_to = "、".join(p.name for p in case.parties[:5]) + (
        f"等{len(case.parties)}人" if len(case.parties) > 5 else "")
    ctx = context.build(document)
    for key in ("mediation_deadline", "limitation", "performance"):
        view = ctx.get(key)
        if view:
            deadline = view["row"]
            deadline.served_due_date = max(filter(None, (deadline.served_due_date, deadline.due_date)))
    return queue(case, "service_receipt", round_id=document.round_id, source_id=document.id)


def pending_ids(case_id: int | None = None) -> list[int]:
    query = select(Document.id).where(Document.status != "issued").order_by(Document.id)
    if case_id is not None:
        query = query.where(Document.case_id == case_id)
    return list(db.session.scalars(query))


def render_pending(ids: list[int] | None = None, *, case_id: int | None = None) -> dict[str, list]:
    """Issue the given pending documents (default: all, or a case's), and the 送达回证 they cause."""
    done, failed = [], []
    todo = list(ids) if ids is not None else pending_ids(case_id)
    seen = set()
    while todo:
        doc_id = todo.pop(0)
        if doc_id in seen:
            continue
        seen.add(doc_id)
        document = db.session.get(Document, doc_id)
        if document is None or document.status == "issued":
            continue
        if document.number is None:  # queued outside a transition and not numbered: number it now
            from mediation.documents import assign_number
            assign_number(document)
            db.session.commit()
        (done if issue(document) else failed).append(doc_id)
        todo.extend(i for i in pending_ids(document.case_id) if i not in seen)
    return {"issued": done, "failed": failed}


def render_case(case: Case) -> dict[str, list]:
    return render_pending(case_id=case.id)


def after_commit(case: Case, events) -> None:
    """AFTER_COMMIT hook: render the case's pending documents; never raises."""
    if not current_app.config.get("DOCUMENTS_RENDER_ON_COMMIT", True):
        return  # left pending for `documents-regenerate` (test suites that do not read PDFs)
    try:
        render_pending(case_id=case.id)
    except Exception:
        db.session.rollback()
        log.exception("rendering the documents of case %s failed", case.id)

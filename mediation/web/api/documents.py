"""GET /cases/<case_no>/documents, GET /documents/<id>.pdf (token users who may see the case) and the
public GET /verify/<number>?sha256= (DESIGN.md §8)."""
from __future__ import annotations

from flask import g, jsonify, request, url_for

from mediation.documents import for_case, title
from mediation.documents.versions import verify
from mediation.extensions import db
from mediation.models import Document
from mediation.services import errors, policy
from mediation.web.api import bp, request_lang
from mediation.web.api.auth import token_required
from mediation.web.api.cases import visible_case
from mediation.web.ratelimit import limiter, track_limit
from mediation.web.verify.views import send_document


def document_json(document: Document, lang: str) -> dict:
    return {"id": document.id, "number": document.number, "kind": document.kind,
            "title": document.title if lang == "zh" and document.title else title(document.kind, lang),
            "status": document.status, "sha256": document.sha256,
            "replaces": document.replaces_id, "served_at": document.served_at.isoformat() if document.served_at
            else None,
            "url": url_for("api.document_pdf", doc_id=document.id) if document.is_issued else None}


@bp.get("/cases/<case_no>/documents")
@token_required
def case_documents(case_no: str):
    lang = request_lang()
    return jsonify([document_json(d, lang) for d in for_case(visible_case(case_no))])


@bp.get("/documents/<int:doc_id>.pdf")
@token_required
def document_pdf(doc_id: int):
    document = db.session.get(Document, doc_id)
    if document is None or not document.is_issued or not policy.can_view(g.api_user, document.case):
        raise errors.NotFound("No such document.", "文书不存在。")
    return send_document(document)


@bp.get("/verify/<number>")
@limiter.limit(track_limit)
def verify_number(number: str):
    return jsonify({"status": verify(number, request.args.get("sha256") or None)})

"""Public endpoints: the organisation tree, filing a complaint, tracking it (DESIGN.md §8)."""
from __future__ import annotations

from flask import current_app, jsonify, request
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organisation
from mediation.services import tracking
from mediation.services.filing import file_complaint
from mediation.web.api import bp, http_error, json_body, request_lang
from mediation.web.ratelimit import file_limit, limiter, track_limit


@bp.get("/orgs")
def list_orgs():
    orgs = db.session.scalars(select(Organisation).where(Organisation.kind != "arbitration")
                              .order_by(Organisation.kind, Organisation.code)).all()
    return jsonify([{"code": o.code, "name": o.name, "kind": o.kind,
                     "parent": o.parent.code if o.parent else None} for o in orgs])


@bp.post("/complaints")
@limiter.limit(file_limit)
def create_complaint():
    lang = request_lang()
    if (request.content_length or 0) > current_app.config["MEDIATION"]["limits"]["request_max_bytes"]:
        return http_error(413)  # a JSON body at most 1 MiB; evidence goes through uploads
    filed = file_complaint(json_body(), channel="online", language=lang)
    case = filed.case
    return jsonify({"case_no": case.number, "query_code": filed.query_code, "state": case.state,
                    "org": case.org.code,
                    "deadlines": [tracking.deadline_dict(d, lang) for d in tracking.open_deadlines(case)]}), 201


@bp.get("/track/<case_no>")
@limiter.limit(track_limit)
def track(case_no: str):
    case = tracking.find_case(case_no, request.args.get("code"))
    if case is None:
        return http_error(404)
    return jsonify(tracking.public_view(case, request_lang()))

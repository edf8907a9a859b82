"""GET /api/v1/reports/success-rate (DESIGN.md §8): the success rate as JSON, or as a file with format=."""
from __future__ import annotations

from flask import g, jsonify, request

from mediation.services.errors import Forbidden
from mediation.web.api import api_error, bp, request_lang
from mediation.web.api.auth import token_required
from reports.build import full_report
from reports.filters import parse_filters


@bp.get("/reports/success-rate")
@token_required
def success_rate_report():
    """{from, to, overall: {concluded, agreed, rate}, groups: [...]} plus summary, sla, arbitration."""
    lang = request_lang()
    fmt = request.args.get("format") or "json"
    if fmt not in ("json", "pdf", "xlsx", "csv"):
        en, zh = "format is json, pdf, xlsx or csv.", "format须为json、pdf、xlsx或csv。"
        return api_error("invalid", en if lang == "en" else zh, 422, {"format": en if lang == "en" else zh})
    try:
        filters = parse_filters(request.args, g.api_user)  # InvalidData → 422 with fields
    except Forbidden as exc:
        return api_error(exc.code, exc.message(lang), 403)
    report = full_report(filters, lang)
    if fmt == "json":
        return jsonify(report)
    from mediation.web.reports import export_response
    return export_response(report, fmt, lang)

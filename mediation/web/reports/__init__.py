"""The reports pages (/reports): figures, charts, Print (PDF), Export (XLSX, CSV), month-end archive.

Managers see every organisation; chairs and mediators their own organisation's subtree; liaison
and administrators no reports (403).
"""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organisation, User
from mediation.models.cases import CATEGORY_LABELS, CHANNEL_LABELS
from mediation.models.reports import StoredReport
from mediation.services.errors import Forbidden, InvalidData
from mediation.sla import scheduler
from mediation.web import current_lang
from reports import archive as month_end
from reports.build import TIER_LABELS, full_report
from reports.filters import GROUP_BY, PRESETS, parse_filters, scope_ids
from reports.render import GROUP_LABELS, PRESET_LABELS, report_context, title_for

bp = Blueprint("reports", __name__, url_prefix="/reports")
FILTER_NAMES = ("period", "from", "to", "group_by", "tier", "org", "category", "mediator", "channel")
MIME = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

if month_end.add_job not in scheduler.EXTRA_JOBS:
    scheduler.EXTRA_JOBS.append(month_end.add_job)


def _scope_or_403():
    try:
        return scope_ids(current_user)
    except Forbidden:
        abort(403)


def _choices(scope) -> dict:
    lang = current_lang()
    pick = (lambda pair: pair[0]) if lang == "en" else (lambda pair: pair[1])
    orgs = select(Organisation).where(Organisation.kind != "arbitration").order_by(Organisation.id)
    users = select(User).where(User.role.in_(("chair", "mediator")), User.active.is_(True)).order_by(User.username)
    if scope is not None:
        orgs, users = orgs.where(Organisation.id.in_(scope)), users.where(User.org_id.in_(scope))
    return {"presets": [(p, str(PRESET_LABELS[p])) for p in PRESETS],
            "group_options": [(g, str(GROUP_LABELS[g])) for g in GROUP_BY],
            "tiers": [(t, pick(label)) for t, label in TIER_LABELS.items()],
            "categories": [(k, pick(v)) for k, v in CATEGORY_LABELS.items()],
            "channels": [(k, pick(v)) for k, v in CHANNEL_LABELS.items()],
            "org_options": db.session.scalars(orgs).all(), "mediators": db.session.scalars(users).all()}


def _args() -> dict:
    args = {name: (request.args.get(name) or "").strip() for name in FILTER_NAMES}
    args["period"] = args["period"] or ("custom" if args["from"] or args["to"] else "this_year")
    args["group_by"] = args["group_by"] or "tier"
    return args


@bp.get("/")
@login_required
def index():
    scope = _scope_or_403()
    args, lang = _args(), current_lang()
    report, errors, status = None, {}, 200
    try:
        report = full_report(parse_filters(args, current_user), lang)
    except InvalidData as exc:
        errors, status = exc.field_messages(lang), 422
    context = report_context(report) if report else {}

    def export_url(fmt: str) -> str:
        return url_for("reports.export", fmt=fmt, **{k: v for k, v in args.items() if v})
    return render_template("reports/index.html", args=args, errors=errors, export_url=export_url,
                           **_choices(scope), **context), status


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    if fmt not in MIME:
        abort(404)
    _scope_or_403()
    lang = current_lang()
    try:
        report = full_report(parse_filters(_args(), current_user), lang)
    except InvalidData:
        return index()
    return export_response(report, fmt, lang)


def export_response(report: dict, fmt: str, lang: str) -> Response:
    """The report as a download (also used by the API's format=)."""
    from reports.pdf import render_pdf
    from reports.xlsx import render_csv, render_xlsx
    body = {"pdf": render_pdf, "xlsx": render_xlsx, "csv": render_csv}[fmt](report, lang)
    name = f"success-rate-{report['from']}-{report['to']}.{fmt}"
    return Response(body, mimetype=MIME[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _archive_allowed() -> bool:
    """Month-end reports cover the whole federation: managers, and staff of the federation itself."""
    scope = _scope_or_403()
    return scope is None or current_user.org.kind == "federation"


@bp.get("/archive")
@login_required
def archive():
    if not _archive_allowed():
        abort(403)
    stored = db.session.scalars(select(StoredReport).order_by(StoredReport.period.desc())).all()
    return render_template("reports/archive.html", stored=stored, title=_("Month-end reports"))


@bp.get("/archive/<int:report_id>.<fmt>")
@login_required
def archive_file(report_id: int, fmt: str):
    if not _archive_allowed():
        abort(403)
    stored = db.session.get(StoredReport, report_id)
    if stored is None or fmt not in ("pdf", "xlsx"):
        abort(404)
    path = month_end.file_path(stored, fmt)
    if not path.is_file():
        abort(404)
    return send_file(io.BytesIO(path.read_bytes()), mimetype=MIME[fmt], as_attachment=True,
                     download_name=f"month-end-{stored.period}.{fmt}")


__all__ = ["bp", "export_response", "title_for"]

"""Staff notifications: the bell's count, the list, marking read, the e-mail switch; failed deliveries
for administrators."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from mediation.notifications import inbox
from mediation.services import errors

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
#: The desk's case page, whichever name the desk gives it (another area builds it).
CASE_ENDPOINTS = ("desk.case_page",)


@bp.app_context_processor
def _bell_context() -> dict:
    def unread_notifications() -> int:
        if not getattr(current_user, "is_authenticated", False):
            return 0
        return inbox.unread_count(current_user)
    poll = current_app.config["MEDIATION"].get("notifications", {}).get("bell_poll_seconds", 30)
    return {"unread_notifications": unread_notifications, "bell_poll_seconds": poll}


@bp.get("")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    rows = inbox.list_for(current_user, unread_only=unread_only)
    return render_template("notifications/list.html", rows=rows, unread_only=unread_only,
                           email_on=inbox.email_enabled(current_user),
                           case_links=any(e in current_app.view_functions for e in CASE_ENDPOINTS))


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    try:
        row = inbox.mark_read(current_user, notification_id)
    except errors.NotFound:
        abort(404)
    target = request.form.get("next")
    if target == "case" and row.case_id:
        case_url = _case_url(row)
        if case_url:
            return redirect(case_url)
    return redirect(url_for(".index"))


@bp.post("/read-all")
@login_required
def read_all():
    count = inbox.mark_all_read(current_user)
    flash(_("%(count)d notifications marked read.", count=count), "success")
    return redirect(url_for(".index"))


@bp.get("/unread-count")
def unread_count():
    if not current_user.is_authenticated:  # polled by script: an expired session answers, not redirects
        return jsonify({"error": "login_required"}), 401
    return jsonify({"unread": inbox.unread_count(current_user)})


@bp.post("/preferences")
@login_required
def preferences():
    inbox.set_email_enabled(current_user, request.form.get("email") == "on")
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for(".index"))


@bp.post("/language")
@login_required
def language():
    """The staff member's language: their notifications from now on, and their pages."""
    from mediation.services.orgs import set_language
    from mediation.web import current_lang
    try:
        set_language(current_user, request.form.get("language") or "")
    except errors.InvalidData as exc:
        flash(exc.message(current_lang()), "error")
        return redirect(url_for(".index"))
    session["lang"] = current_user.language  # the pages follow the new choice at once
    flash(_("Your language is saved."), "success")
    return redirect(url_for(".index"))


@bp.get("/failed")
@login_required
def failed():
    try:
        rows = inbox.failed_deliveries(current_user)
    except errors.Forbidden:
        abort(403)
    return render_template("notifications/failed.html", rows=rows)


@bp.post("/failed/<int:notification_id>/retry")
@login_required
def retry(notification_id: int):
    try:
        inbox.retry_failed(current_user, notification_id)
    except errors.Forbidden:
        abort(403)
    except errors.NotFound:
        abort(404)
    flash(_("The notification will be sent again."), "success")
    return redirect(url_for(".failed"))


def _case_url(row) -> str | None:
    """The desk's case page if the desk is installed (it is built by another area)."""
    for endpoint in CASE_ENDPOINTS:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, number=row.case.number)
            except BuildError:
                return None
    return None

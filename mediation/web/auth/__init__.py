"""Staff login and logout (Flask-Login, CSRF through Flask-WTF), lockout, and the inactivity timeout.

The session cookie is permanent with PERMANENT_SESSION_LIFETIME (30 minutes by default) and every
request checks the last activity against mediation.sla.clock, so an idle desk logs itself out
even if a browser keeps the cookie (OWASP Session Management: idle timeout enforced server-side).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.routing import BuildError

from mediation.services.auth import LOCKOUT, MAX_FAILED_LOGINS, authenticate, is_locked
from mediation.sla import clock
from mediation.web.ratelimit import limiter, login_limit

bp = Blueprint("auth", __name__)
LAST_SEEN = "last_seen"


def _lifetime() -> timedelta:
    value = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


@bp.before_app_request
def _check_inactivity():
    # Flask-Babel and Flask-Login cache the locale and the user on `g`, which lives as long as the app
    # context; when requests share one (the test client inside an app context) they must not leak.
    refresh()
    g.pop("_login_user", None)
    if not current_user.is_authenticated or request.blueprint in ("static",) or request.endpoint == "static":
        return None
    now = clock.now().timestamp()
    last_seen = session.get(LAST_SEEN)
    if last_seen is not None and now - float(last_seen) > _lifetime().total_seconds():
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("You were logged out after %(minutes)d minutes without activity. Please log in again.",
                minutes=int(_lifetime().total_seconds() // 60)), "error")
        if request.blueprint == "api":
            return None
        return redirect(url_for("auth.login", next=_safe_next(request.full_path)))
    session[LAST_SEEN] = now
    return None


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no //host) may be a redirect target after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target.rstrip("?") or None


def _home() -> str:
    if current_user.role == "admin":
        try:
            return url_for("admin.index")
        except BuildError:
            pass
    return url_for("desk.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")) or _home())
    error = None
    username = ""
    status = 200
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()
        user = authenticate(username, request.form.get("password") or "")
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a new session on login (no fixation)
            if lang:
                session["lang"] = lang
            session.permanent = True
            login_user(user)
            session[LAST_SEEN] = clock.now().timestamp()
            return redirect(_safe_next(request.form.get("next")) or _home())
        status = 401
        if is_locked(username):
            error = _("Too many failed attempts: this account is locked for %(minutes)d minutes.",
                      minutes=int(LOCKOUT.total_seconds() // 60))
        else:
            error = _("Wrong username or password. After %(count)d failed attempts the account is locked"
                      " for %(minutes)d minutes.", count=MAX_FAILED_LOGINS,
                      minutes=int(LOCKOUT.total_seconds() // 60))
    return render_template("auth/login.html", error=error, username=username,
                           next=_safe_next(request.values.get("next")) or ""), status


@bp.post("/logout")
@login_required
def logout():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"))

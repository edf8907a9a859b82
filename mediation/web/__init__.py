"""Blueprints by user-facing area: portal (workers), desk (mediators), admin, api (REST v1).

Every area's pages extend templates/base.html; the context processor below gives them the language,
the language switch, the hotline and notices for managers.
"""
from __future__ import annotations

from flask import Flask, current_app, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound


def current_lang() -> str:
    """The page language: "zh" (default) or "en"."""
    return "en" if str(get_locale()).startswith("en") else "zh"


def _remember_language() -> None:
    lang = request.args.get("lang")
    if lang in ("zh", "en"):
        session["lang"] = lang


def _page_context() -> dict:
    def lang_url(lang: str) -> str:
        args = {**request.view_args} if request.view_args else {}
        args.update({k: v for k, v in request.args.items() if k != "lang"})
        return url_for(request.endpoint, **args, lang=lang) if request.endpoint else f"/?lang={lang}"
    from mediation.documents import display_title
    return {"current_lang": current_lang(), "lang_url": lang_url,
            "document_title": lambda document: display_title(document, current_lang()),
            "hotline": current_app.config["MEDIATION"]["app"]["hotline"], "staff_notices": _staff_notices()}


def _staff_notices() -> list[str]:
    """From 1 November, managers and admins are told when next year's holiday schedule is missing."""
    from flask_login import current_user
    if not getattr(current_user, "is_authenticated", False) or current_user.role not in ("manager", "admin"):
        return []
    from mediation.services.calendar_admin import next_year_missing
    year = next_year_missing()
    if year is None:
        return []
    return [_("The %(year)s holiday schedule is not loaded: deadlines in %(year)s are provisional. Add it to the "
              "configuration ([calendar.%(year)s]) and run “flask --app mediation calendar-reload”.", year=year)]


_ERROR_TEXTS = {
    400: (lambda: _("Request not understood"), lambda: _("The request could not be read. Go back and try again.")),
    403: (lambda: _("Not allowed"), lambda: _("Your account may not open this page.")),
    404: (lambda: _("Page not found"), lambda: _("There is no such page, or you may not see it.")),
    405: (lambda: _("Not allowed"), lambda: _("This page cannot be used that way. Go back and try again.")),
    413: (lambda: _("Too large"), lambda: _("What you sent is too large. Files may be at most 10 MB each.")),
    500: (lambda: _("Something went wrong"),
          lambda: _("The system could not complete this. Nothing was changed; please try again, or call the hotline.")),
}


def _error_page(exc):
    """Every error a person meets is a page in their language, inside the usual layout."""
    status = getattr(exc, "code", None) or 500
    if request.path.startswith("/api/"):
        from mediation.web.api import http_error
        return http_error(status)
    title, message = _ERROR_TEXTS.get(status, _ERROR_TEXTS[500])
    return render_template("error.html", title=title(), message=message()), status


def register_blueprints(app: Flask) -> None:
    """Register every area's blueprint (one line per area)."""
    app.before_request(_remember_language)
    for status in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(status, _error_page)
    # An id beyond the database's 64-bit range names nothing: a page answers 404, not 500.
    app.register_error_handler(OverflowError, lambda _exc: _error_page(NotFound()))
    app.context_processor(_page_context)
    from mediation.web import ratelimit
    ratelimit.init_app(app)
    _init_login(app)
    from mediation.web.api import bp as api_bp
    app.register_blueprint(api_bp)
    from mediation.web.liaison import bp as liaison_bp; app.register_blueprint(liaison_bp)  # noqa: E702
    from mediation.web.portal import bp as portal_bp; app.register_blueprint(portal_bp)  # noqa: E702
    from mediation.web.notifications import bp as notifications_bp; app.register_blueprint(notifications_bp)  # noqa: E702
    from mediation.web.verify import bp as verify_bp; app.register_blueprint(verify_bp)  # noqa: E702
    from mediation.web.auth import bp as auth_bp; app.register_blueprint(auth_bp)  # noqa: E702
    from mediation.web.desk import bp as desk_bp; app.register_blueprint(desk_bp)  # noqa: E702
    from mediation.web.reports import bp as reports_bp; app.register_blueprint(reports_bp)  # noqa: E702


def _init_login(app: Flask) -> None:
    from mediation.extensions import db, login_manager
    from mediation.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    login_manager.login_view = "auth.login"

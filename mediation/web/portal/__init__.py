"""The workers' portal: file a complaint and track it without an account (zh by default, en)."""
from flask import Blueprint
from flask_babel import refresh

bp = Blueprint("portal", __name__)


@bp.before_request
def _fresh_locale() -> None:
    # Flask-Babel caches the locale on `g`; when requests share an app context (tests run inside
    # one), a cached language would leak from one request into the next.
    refresh()


from mediation.web.portal import views  # noqa: E402,F401

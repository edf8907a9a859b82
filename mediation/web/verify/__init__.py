"""Public document verification (issue 5) and the staff download of a case's documents."""
from flask import Blueprint

bp = Blueprint("verify", __name__)

from mediation.web.verify import views  # noqa: E402,F401

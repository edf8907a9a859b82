"""The arbitration liaison's desk (工会+仲裁院 docking): handoffs received, receipt, 委派调解, outcome."""
from flask import Blueprint

bp = Blueprint("liaison", __name__, url_prefix="/liaison")

from mediation.web.liaison import views  # noqa: E402,F401
